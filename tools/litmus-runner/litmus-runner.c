/*
 * litmus-runner: executes KernelModel litmus files (litmus/README.md) on a real Linux kernel and prints each
 * step's observation in the canonical form that `kmodel litmus run` prints for the model.
 *
 * One controller process reads the files. Every task of a file (process or thread) is a worker that waits for
 * step numbers on its own command pipe, performs the step with real syscalls and answers on its reply pipe. The
 * controller adds what the task saw meanwhile: the signals its SIGBUS/SIGSEGV handler recorded (in a shared
 * page, so they survive the task) and whether its process died (and of which signal). Steps marked model-only
 * are printed as skipped. Must run as root (CAP_SYS_ADMIN) on a kernel with CONFIG_MEMORY_FAILURE.
 *
 * Build: gcc -static -O2 -pthread -o litmus-runner litmus-runner.c
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/falloc.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define HPAGE (2UL << 20)
#define MAXT 16   /* tasks per file */
#define MAXM 16   /* mappings per file */
#define MAXP 1024 /* pages per mapping */
#define MAXSTEP 256
#define MAXARG 8
#define MAXSIG 32
#define FILEDIR "/mnt/litmus"
#define SHMDIR "/dev/shm"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef PR_MCE_KILL
#define PR_MCE_KILL 33
#define PR_MCE_KILL_GET 34
#endif
#ifndef BUS_MCEERR_AR
#define BUS_MCEERR_AR 4
#define BUS_MCEERR_AO 5
#endif

struct step {
	int line;
	int task;
	int model_only;
	char op[32];
	int argc;
	char argv[MAXARG][48];
};

struct litmus {
	char path[256];
	char id[96];
	int late;
	char requires[8][24];
	int nrequires;
	int ntasks;
	char tasks[MAXT][16];
	int initial[MAXT]; /* declared with "process" */
	int nmaps;
	char maps[MAXM][16];
	int nsteps;
	struct step steps[MAXSTEP];
};

/* Shared with every worker (MAP_SHARED, created before the first fork). */
struct sigrec {
	int signo, code, lsb;
	unsigned long addr;
};
struct tslot {
	volatile pid_t pid; /* the task's process (tgid) */
	volatile pid_t tid;
	volatile int proc;  /* task index of its process's leader */
	volatile int nsig;
	struct sigrec sig[MAXSIG];
};
struct pslot {
	volatile unsigned long base[MAXM];
	volatile unsigned long len[MAXM];
};
struct shared {
	struct tslot t[MAXT];
	struct pslot p[MAXT];
};

struct reply {
	long ret;
	int err;
	int has_ret;
	char data[16];
	char map[16];
};

static struct shared *shm;
static struct litmus *cur;
static int cmdfd[MAXT][2], repfd[MAXT][2];

/* Worker state (per process; copied by fork, as the model copies it). */
static int fds[MAXM] = {[0 ... MAXM - 1] = -1};
static unsigned long lastpfn[MAXM][MAXP];

/* Per thread. */
static __thread int my_task = -1;
static __thread sigjmp_buf access_jb;
static __thread volatile int in_access;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "litmus-runner: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

/* ---------- parsing ---------- */

static int find_name(char names[][16], int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

static int task_of(struct litmus *l, const char *s, int create, int line)
{
	int i = find_name(l->tasks, l->ntasks, s);
	if (i >= 0)
		return i;
	if (!create)
		die("%s:%d: unknown task '%s'", l->path, line, s);
	if (l->ntasks == MAXT || strlen(s) > 15)
		die("%s:%d: too many tasks or name too long: '%s'", l->path, line, s);
	strcpy(l->tasks[l->ntasks], s);
	return l->ntasks++;
}

static int map_of(struct litmus *l, const char *s)
{
	int i = find_name(l->maps, l->nmaps, s);
	if (i >= 0)
		return i;
	if (l->nmaps == MAXM || strlen(s) > 15)
		die("%s: too many mappings or name too long: '%s'", l->path, s);
	strcpy(l->maps[l->nmaps], s);
	return l->nmaps++;
}

static void parse(const char *path, struct litmus *l)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	int lineno = 0;

	memset(l, 0, sizeof(*l));
	snprintf(l->path, sizeof(l->path), "%s", path);
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(buf, sizeof(buf), f)) {
		char *tok[MAXARG + 4];
		int n = 0, model_only = 0;
		char *save, *p, *arrow;

		lineno++;
		for (p = buf; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '#')
			continue; /* a comment line */
		if ((arrow = strstr(buf, "=>")))
			*arrow = 0; /* expectations are judged by kmodel */
		for (p = strtok_r(buf, " \t\r\n", &save); p && n < MAXARG + 4; p = strtok_r(NULL, " \t\r\n", &save))
			tok[n++] = p;
		if (n == 0)
			continue;
		if (!strcmp(tok[0], "litmus") && n == 2) {
			snprintf(l->id, sizeof(l->id), "%s", tok[1]);
			continue;
		}
		if (!strcmp(tok[0], "summary") || !strcmp(tok[0], "console") || !strcmp(tok[0], "counters"))
			continue;
		if (!strcmp(tok[0], "late")) {
			l->late = 1;
			continue;
		}
		if (!strcmp(tok[0], "requires")) {
			for (int i = 1; i < n && l->nrequires < 8; i++)
				snprintf(l->requires[l->nrequires++], 24, "%s", tok[i]);
			continue;
		}
		if (!strcmp(tok[0], "process") && n == 2) {
			l->initial[task_of(l, tok[1], 1, lineno)] = 1;
			continue;
		}
		if (!strcmp(tok[0], "model-only")) {
			model_only = 1;
			memmove(tok, tok + 1, sizeof(tok[0]) * --n);
		}
		if (n < 2)
			die("%s:%d: a step needs a task and an operation", path, lineno);
		if (l->nsteps == MAXSTEP)
			die("%s:%d: too many steps", path, lineno);
		struct step *s = &l->steps[l->nsteps++];
		s->line = lineno;
		s->model_only = model_only;
		s->task = task_of(l, tok[0], 0, lineno);
		snprintf(s->op, sizeof(s->op), "%s", tok[1]);
		s->argc = n - 2;
		if (s->argc > MAXARG)
			die("%s:%d: too many arguments", path, lineno);
		for (int i = 0; i < s->argc; i++)
			snprintf(s->argv[i], sizeof(s->argv[i]), "%s", tok[i + 2]);
		if (!strcmp(s->op, "fork") || !strcmp(s->op, "thread")) {
			if (s->argc != 1)
				die("%s:%d: %s takes the new task's name", path, lineno, s->op);
			task_of(l, s->argv[0], 1, lineno);
		}
		if (!strcmp(s->op, "mmap") && s->argc >= 1)
			map_of(l, s->argv[0]);
	}
	fclose(f);
	if (!l->id[0])
		die("%s: no 'litmus NAME' line", path);
}

/* ---------- formatting ---------- */

static const char *errname(int e)
{
	static char buf[16];
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EHWPOISON: return "EHWPOISON";
	}
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static const char *signame(int s)
{
	static char buf[16];
	switch (s) {
	case SIGBUS: return "SIGBUS";
	case SIGSEGV: return "SIGSEGV";
	case SIGKILL: return "SIGKILL";
	}
	snprintf(buf, sizeof(buf), "SIG%d", s);
	return buf;
}

static const char *codename(int signo, int code)
{
	static char buf[16];
	if (signo == SIGBUS) {
		switch (code) {
		case 1: return "BUS_ADRALN";
		case 2: return "BUS_ADRERR";
		case 3: return "BUS_OBJERR";
		case 4: return "BUS_MCEERR_AR";
		case 5: return "BUS_MCEERR_AO";
		}
	}
	if (signo == SIGSEGV) {
		switch (code) {
		case 1: return "SEGV_MAPERR";
		case 2: return "SEGV_ACCERR";
		}
	}
	if (code == 0x80)
		return "SI_KERNEL";
	snprintf(buf, sizeof(buf), "%d", code);
	return buf;
}

/* si_addr as MAP+0xOFF relative to the receiving task's process's mappings. */
static void format_addr(char *out, size_t n, int proc, unsigned long addr)
{
	if (addr == 0) {
		snprintf(out, n, "0");
		return;
	}
	for (int m = 0; m < cur->nmaps; m++) {
		unsigned long b = shm->p[proc].base[m], len = shm->p[proc].len[m];
		if (b && addr >= b && addr < b + len) {
			snprintf(out, n, "%s+0x%lx", cur->maps[m], addr - b);
			return;
		}
	}
	snprintf(out, n, "?");
}

static void format_sigs(char *out, size_t n, int task, int from)
{
	struct tslot *t = &shm->t[task];
	size_t used = 0;
	if (t->nsig <= from) {
		snprintf(out, n, "none");
		return;
	}
	out[0] = 0;
	for (int i = from; i < t->nsig && i < MAXSIG; i++) {
		struct sigrec *r = &t->sig[i];
		char addr[48];
		format_addr(addr, sizeof(addr), t->proc, r->addr);
		if (r->signo == SIGBUS && (r->code == BUS_MCEERR_AR || r->code == BUS_MCEERR_AO))
			used += snprintf(out + used, n - used, "%s%s/%s/%d@%s", i > from ? "," : "", signame(r->signo),
					 codename(r->signo, r->code), r->lsb, addr);
		else
			used += snprintf(out + used, n - used, "%s%s/%s@%s", i > from ? "," : "", signame(r->signo),
					 codename(r->signo, r->code), addr);
		if (used >= n)
			break;
	}
}

/* ---------- worker side ---------- */

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (my_task >= 0) {
		struct tslot *t = &shm->t[my_task];
		int n = t->nsig;
		if (n < MAXSIG) {
			t->sig[n].signo = sig;
			t->sig[n].code = si->si_code;
			t->sig[n].addr = (unsigned long)si->si_addr;
			t->sig[n].lsb = sig == SIGBUS ? si->si_addr_lsb : 0;
			__sync_synchronize();
			t->nsig = n + 1;
		}
	}
	/* A fault in the step's own access: resuming would fault again, so the access stops here. */
	if (in_access && (si->si_code == BUS_MCEERR_AR || sig == SIGSEGV || si->si_code == BUS_ADRERR)) {
		in_access = 0;
		siglongjmp(access_jb, 1);
	}
}

static unsigned long parse_num(const char *s)
{
	return strtoul(s, NULL, 0);
}

static int map_index(const char *name)
{
	int m = find_name(cur->maps, cur->nmaps, name);
	if (m < 0)
		die("%s: unknown mapping '%s'", cur->path, name);
	return m;
}

/* PAGE[+BYTES] of mapping MAP in this process. */
static unsigned long map_addr(int proc, int m, const char *where)
{
	char *plus;
	unsigned long page = strtoul(where, &plus, 0);
	unsigned long off = *plus == '+' ? strtoul(plus + 1, NULL, 0) : 0;
	return shm->p[proc].base[m] + page * PAGE + off;
}

static void set_data(struct reply *r, const unsigned char *p, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (p[i] != p[0]) {
			snprintf(r->data, sizeof(r->data), "mixed");
			return;
		}
	snprintf(r->data, sizeof(r->data), "0x%02x", p[0]);
}

static unsigned long pagemap_entry(unsigned long va)
{
	unsigned long e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd >= 0) {
		if (pread(fd, &e, 8, (va / PAGE) * 8) != 8)
			e = 0;
		close(fd);
	}
	return e;
}

/* map=none|swap|new|same|changed, remembering the frame for later injections. */
static void do_pagemap(struct reply *r, int proc, int m, const char *where)
{
	unsigned long page = strtoul(where, NULL, 0);
	unsigned long e = pagemap_entry(map_addr(proc, m, where));
	unsigned long pfn = e & ((1UL << 55) - 1);
	if (e & (1UL << 63)) {
		const char *what = lastpfn[m][page] == 0 ? "new" : lastpfn[m][page] == pfn ? "same" : "changed";
		snprintf(r->map, sizeof(r->map), "%s", what);
		lastpfn[m][page] = pfn;
	} else {
		snprintf(r->map, sizeof(r->map), (e & (1UL << 62)) ? "swap" : "none");
	}
}

/* The frame an injection targets: pfn:N, or the page's present frame, else the one last seen there. */
static long target_pfn(int proc, const char *mapname, const char *where, unsigned long *pfn)
{
	if (!strncmp(mapname, "pfn:", 4)) {
		*pfn = parse_num(mapname + 4);
		return 0;
	}
	int m = map_index(mapname);
	unsigned long page = strtoul(where, NULL, 0);
	if (shm->p[proc].base[m]) {
		unsigned long e = pagemap_entry(map_addr(proc, m, where));
		/* Without CAP_SYS_ADMIN pagemap shows frame 0: keep the one seen before. */
		if ((e & (1UL << 63)) && (e & ((1UL << 55) - 1)))
			lastpfn[m][page] = e & ((1UL << 55) - 1);
	}
	*pfn = lastpfn[m][page];
	return *pfn ? 0 : -ENOENT;
}

static long write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	long ret;
	if (fd < 0)
		return -errno;
	ret = write(fd, text, strlen(text));
	ret = ret < 0 ? -errno : (ret == (long)strlen(text) ? 0 : -EIO);
	close(fd);
	return ret;
}

static long drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[0].effective &= ~(1U << CAP_SYS_ADMIN);
	d[0].permitted &= ~(1U << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

static int advice_of(const char *s)
{
	static const struct { const char *name; int advice; } table[] = {
		{"hwpoison", MADV_HWPOISON}, {"soft-offline", MADV_SOFT_OFFLINE}, {"dontneed", MADV_DONTNEED},
		{"willneed", MADV_WILLNEED}, {"hugepage", MADV_HUGEPAGE}, {"nohugepage", MADV_NOHUGEPAGE},
		{"collapse", MADV_COLLAPSE}, {"cold", 20}, {"pageout", 21},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, s))
			return table[i].advice;
	die("%s: unknown advice '%s'", cur->path, s);
	return -1;
}

static void *worker_main(void *arg);

static long do_mmap(struct step *s, int proc)
{
	/* mmap MAP KIND private|shared PAGES [thp|nothp] */
	int m = map_index(s->argv[0]);
	const char *kind = s->argv[1];
	int shared = !strcmp(s->argv[2], "shared");
	unsigned long len = parse_num(s->argv[3]) * PAGE, maplen = len;
	int thp = s->argc > 4 && !strcmp(s->argv[4], "thp"), nothp = s->argc > 4 && !strcmp(s->argv[4], "nothp");
	int flags = shared ? MAP_SHARED : MAP_PRIVATE, fd = -1;
	char path[160];
	void *p;

	if (!strcmp(kind, "anon") || !strcmp(kind, "hugetlb")) {
		flags |= MAP_ANONYMOUS;
		if (!strcmp(kind, "hugetlb"))
			flags |= MAP_HUGETLB;
	} else if (!strcmp(kind, "file") || !strcmp(kind, "shmem")) {
		snprintf(path, sizeof(path), "%s/%s-%s", !strcmp(kind, "file") ? FILEDIR : SHMDIR, cur->id, s->argv[0]);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	} else if (!strcmp(kind, "memfd")) {
		fd = memfd_create(s->argv[0], 0);
	} else {
		die("%s:%d: unknown mapping kind '%s'", cur->path, s->line, kind);
	}
	if (!(flags & MAP_ANONYMOUS)) {
		if (fd < 0 || ftruncate(fd, len))
			return -errno;
		fds[m] = fd;
	}
	if (thp)
		maplen = len + HPAGE;
	p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (thp) {
		unsigned long a = ((unsigned long)p + HPAGE - 1) & ~(HPAGE - 1);
		if (a > (unsigned long)p)
			munmap(p, a - (unsigned long)p);
		if ((unsigned long)p + maplen > a + len)
			munmap((void *)(a + len), (unsigned long)p + maplen - (a + len));
		p = (void *)a;
		if (madvise(p, len, MADV_HUGEPAGE))
			return -errno;
	}
	if (nothp && madvise(p, len, MADV_NOHUGEPAGE))
		return -errno;
	shm->p[proc].base[m] = (unsigned long)p;
	shm->p[proc].len[m] = len;
	memset(lastpfn[m], 0, sizeof(lastpfn[m]));
	return 0;
}

static int sysctl_path(const char *name, char *out, size_t n)
{
	/* vm.memory_failure_early_kill -> /proc/sys/vm/memory_failure_early_kill */
	snprintf(out, n, "/proc/sys/%s", name);
	for (char *c = out + strlen("/proc/sys/"); *c; c++)
		if (*c == '.')
			*c = '/';
	return 0;
}

static void exec_step(struct step *s, struct reply *r)
{
	int proc = shm->t[my_task].proc;
	long ret = 0;
	const char *op = s->op;

	memset(r, 0, sizeof(*r));
	strcpy(r->data, "-");
	strcpy(r->map, "-");
	r->has_ret = 1;

	if (!strcmp(op, "mmap")) {
		ret = do_mmap(s, proc);
	} else if (!strcmp(op, "munmap")) {
		int m = map_index(s->argv[0]);
		/* The address stays known, so a later step can name the hole the mapping left. */
		ret = munmap((void *)shm->p[proc].base[m], shm->p[proc].len[m]) ? -errno : 0;
	} else if (!strcmp(op, "write") || !strcmp(op, "read")) {
		/* write MAP PAGE BYTE / read MAP PAGE: the task's own stores and loads, a whole page */
		int m = map_index(s->argv[0]);
		volatile unsigned char *p = (volatile unsigned char *)map_addr(proc, m, s->argv[1]);
		int is_write = !strcmp(op, "write");
		unsigned char byte = is_write ? (unsigned char)parse_num(s->argv[2]) : 0;
		static __thread unsigned char copy[PAGE];
		r->has_ret = 0;
		if (sigsetjmp(access_jb, 1) == 0) {
			in_access = 1;
			for (unsigned long i = 0; i < PAGE; i++) {
				if (is_write)
					p[i] = byte;
				else
					copy[i] = p[i];
			}
			in_access = 0;
			if (!is_write)
				set_data(r, copy, PAGE);
		}
	} else if (!strcmp(op, "pagemap")) {
		r->has_ret = 0;
		do_pagemap(r, proc, map_index(s->argv[0]), s->argv[1]);
	} else if (!strcmp(op, "pread")) {
		static __thread unsigned char buf[PAGE];
		int m = map_index(s->argv[0]);
		ret = pread(fds[m], buf, PAGE, parse_num(s->argv[1]) * PAGE);
		if (ret < 0)
			ret = -errno;
		else if (ret > 0)
			set_data(r, buf, ret);
	} else if (!strcmp(op, "pwrite")) {
		static __thread unsigned char buf[PAGE];
		int m = map_index(s->argv[0]);
		memset(buf, (int)parse_num(s->argv[2]), PAGE);
		ret = pwrite(fds[m], buf, PAGE, parse_num(s->argv[1]) * PAGE);
		if (ret < 0)
			ret = -errno;
	} else if (!strcmp(op, "fsync")) {
		ret = fsync(fds[map_index(s->argv[0])]) ? -errno : 0;
	} else if (!strcmp(op, "ftruncate")) {
		ret = ftruncate(fds[map_index(s->argv[0])], parse_num(s->argv[1]) * PAGE) ? -errno : 0;
	} else if (!strcmp(op, "punch")) {
		ret = fallocate(fds[map_index(s->argv[0])], FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				parse_num(s->argv[1]) * PAGE, parse_num(s->argv[2]) * PAGE) ? -errno : 0;
	} else if (!strcmp(op, "madvise")) {
		/* madvise MAP PAGE[+BYTES] PAGES ADVICE */
		int m = map_index(s->argv[0]);
		unsigned long a = map_addr(proc, m, s->argv[1]);
		ret = madvise((void *)a, parse_num(s->argv[2]) * PAGE, advice_of(s->argv[3])) ? -errno : 0;
	} else if (!strcmp(op, "fork")) {
		int child = find_name(cur->tasks, cur->ntasks, s->argv[0]);
		pid_t pid = fork();
		if (pid == 0) {
			for (int m = 0; m < MAXM; m++) {
				shm->p[child].base[m] = shm->p[proc].base[m];
				shm->p[child].len[m] = shm->p[proc].len[m];
			}
			shm->t[child].proc = child;
			worker_main((void *)(long)child);
			_exit(0);
		}
		ret = pid < 0 ? -errno : 0;
	} else if (!strcmp(op, "thread")) {
		int t = find_name(cur->tasks, cur->ntasks, s->argv[0]);
		pthread_t th;
		shm->t[t].proc = proc;
		ret = -pthread_create(&th, NULL, worker_main, (void *)(long)t);
	} else if (!strcmp(op, "sigaction")) {
		/* sigaction SIGBUS handler|default|ignore */
		struct sigaction sa = {0};
		int sig = !strcmp(s->argv[0], "SIGSEGV") ? SIGSEGV : SIGBUS;
		if (!strcmp(s->argv[1], "handler")) {
			sa.sa_sigaction = handler;
			sa.sa_flags = SA_SIGINFO | SA_RESTART;
		} else {
			sa.sa_handler = !strcmp(s->argv[1], "ignore") ? SIG_IGN : SIG_DFL;
		}
		ret = sigaction(sig, &sa, NULL) ? -errno : 0;
	} else if (!strcmp(op, "sigmask")) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, !strcmp(s->argv[0], "SIGSEGV") ? SIGSEGV : SIGBUS);
		ret = -pthread_sigmask(!strcmp(s->argv[1], "block") ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
	} else if (!strcmp(op, "sigpending")) {
		sigset_t set;
		sigpending(&set);
		ret = sigismember(&set, !strcmp(s->argv[0], "SIGSEGV") ? SIGSEGV : SIGBUS);
	} else if (!strcmp(op, "signals")) {
		r->has_ret = 0;
	} else if (!strcmp(op, "prctl")) {
		/* prctl mce-kill clear|early|late|default / prctl mce-kill-get / prctl raw OPT A2 A3 A4 A5 */
		if (!strcmp(s->argv[0], "mce-kill")) {
			const char *v = s->argv[1];
			unsigned long a2 = !strcmp(v, "clear") ? 0 : 1, a3 = !strcmp(v, "early") ? 1 : !strcmp(v, "default") ? 2 : 0;
			ret = prctl(PR_MCE_KILL, a2, a3, 0, 0);
		} else if (!strcmp(s->argv[0], "mce-kill-get")) {
			ret = prctl(PR_MCE_KILL_GET, 0, 0, 0, 0);
		} else {
			ret = prctl((int)parse_num(s->argv[1]), parse_num(s->argv[2]), parse_num(s->argv[3]),
				    parse_num(s->argv[4]), parse_num(s->argv[5]));
		}
		if (ret < 0)
			ret = -errno;
	} else if (!strcmp(op, "sysctl")) {
		char path[128], text[64];
		sysctl_path(s->argv[0], path, sizeof(path));
		snprintf(text, sizeof(text), "%s\n", s->argv[1]);
		ret = write_file(path, text);
	} else if (!strcmp(op, "drop-cap")) {
		ret = drop_cap_sys_admin();
	} else if (!strcmp(op, "corrupt-pfn") || !strcmp(op, "unpoison-pfn") || !strcmp(op, "hard-offline") ||
		   !strcmp(op, "soft-offline") || !strcmp(op, "inject-raw")) {
		/* OP MAP PAGE | OP pfn:N ; inject-raw FILE TEXT */
		char text[64];
		unsigned long pfn = 0;
		if (!strcmp(op, "inject-raw")) {
			snprintf(text, sizeof(text), "%s\n", s->argv[1]);
			ret = write_file(!strcmp(s->argv[0], "corrupt-pfn") ? "/sys/kernel/debug/hwpoison/corrupt-pfn" :
					 !strcmp(s->argv[0], "hard-offline") ? "/sys/devices/system/memory/hard_offline_page" :
					 !strcmp(s->argv[0], "soft-offline") ? "/sys/devices/system/memory/soft_offline_page" :
					 "/sys/kernel/debug/hwpoison/unpoison-pfn", text);
		} else if ((ret = target_pfn(proc, s->argv[0], s->argc > 1 ? s->argv[1] : "0", &pfn)) == 0) {
			int offline = !strcmp(op, "hard-offline") || !strcmp(op, "soft-offline");
			snprintf(text, sizeof(text), "0x%lx\n", offline ? pfn << 12 : pfn);
			ret = write_file(!strcmp(op, "corrupt-pfn") ? "/sys/kernel/debug/hwpoison/corrupt-pfn" :
					 !strcmp(op, "unpoison-pfn") ? "/sys/kernel/debug/hwpoison/unpoison-pfn" :
					 !strcmp(op, "hard-offline") ? "/sys/devices/system/memory/hard_offline_page" :
					 "/sys/devices/system/memory/soft_offline_page", text);
		}
	} else {
		die("%s:%d: unknown operation '%s'", cur->path, s->line, op);
	}
	r->ret = ret < 0 ? -1 : ret;
	r->err = ret < 0 ? (int)-ret : 0;
}

static void *worker_main(void *arg)
{
	int task = (int)(long)arg;
	my_task = task;
	prctl(PR_SET_NAME, cur->tasks[task], 0, 0, 0);
	shm->t[task].pid = getpid();
	__sync_synchronize();
	shm->t[task].tid = (pid_t)syscall(SYS_gettid);
	for (;;) {
		int idx;
		struct reply r;
		ssize_t n = read(cmdfd[task][0], &idx, sizeof(idx));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(idx) || idx < 0)
			_exit(0);
		exec_step(&cur->steps[idx], &r);
		while (write(repfd[task][1], &r, sizeof(r)) < 0 && errno == EINTR)
			;
	}
	return NULL;
}

/* ---------- controller side ---------- */

static int dead_status[MAXT]; /* by process slot: 0 alive, else wait status | 0x10000 */

static void msleep(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Whether the process of slot proc has died; its wait status in *status. */
static int process_dead(int proc, int *status)
{
	pid_t pid = shm->t[proc].pid;
	char path[64], buf[1024];
	int fd, n, st;

	if (dead_status[proc]) {
		*status = dead_status[proc] & 0xffff;
		return 1;
	}
	if (!pid)
		return 0;
	if (waitpid(pid, &st, WNOHANG) == pid) {
		dead_status[proc] = st | 0x10000;
		*status = st;
		return 1;
	}
	/* Not our child (forked by a worker): a zombie shows its exit code in /proc/PID/stat (field 52). */
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		dead_status[proc] = 0x10000 | SIGKILL;
		*status = SIGKILL;
		return 1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (!p || p[2] != 'Z')
		return 0;
	int field = 3;
	for (p += 2; *p && field < 52; p++)
		if (*p == ' ')
			field++;
	st = atoi(p);
	dead_status[proc] = st | 0x10000;
	*status = st;
	return 1;
}

static void format_exit(char *out, size_t n, int status)
{
	if (WIFSIGNALED(status))
		snprintf(out, n, "killed:%s", signame(WTERMSIG(status)));
	else
		snprintf(out, n, "exited:%d", WEXITSTATUS(status));
}

static void read_counters(long v[6])
{
	static const char *names[] = {"total", "ignored", "failed", "delayed", "recovered"};
	char buf[4096], path[128];
	FILE *f = fopen("/proc/meminfo", "r");
	v[0] = -1;
	while (f && fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "HardwareCorrupted:", 18))
			v[0] = atol(buf + 18);
	if (f)
		fclose(f);
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node0/memory_failure/%s", names[i]);
		f = fopen(path, "r");
		v[i + 1] = -1;
		if (f && fgets(buf, sizeof(buf), f))
			v[i + 1] = atol(buf);
		if (f)
			fclose(f);
	}
}

static void print_delta(const char *name, long before, long after, const char *unit)
{
	if (before < 0 || after < 0)
		printf(" %s=-", name);
	else
		printf(" %s=%+ld%s", name, after - before, unit);
}

/* Console lines of the recovery code, with frame numbers, addresses and pids masked. */
static int console_relevant(const char *m)
{
	static const char *prefixes[] = {"Memory failure", "Soft offline", "soft offline", "Unpoison", "Injecting memory failure",
					 "Soft offlining", "MCE: Killing", "MCE ", "mce: ", "Kernel panic", "Oops"};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(m, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

static void normalize(const char *in, char *out, size_t n)
{
	size_t o = 0;
	const char *p = in;
	while (*p && o + 4 < n) {
		int at_word = p == in || p[-1] == ' ';
		if (p[0] == '0' && p[1] == 'x' && isxdigit((unsigned char)p[2])) {
			p += 2;
			while (isxdigit((unsigned char)*p))
				p++;
			o += snprintf(out + o, n - o, "0x#");
			continue;
		}
		if (*p == ':' && isdigit((unsigned char)p[1])) {
			p++;
			while (isdigit((unsigned char)*p))
				p++;
			o += snprintf(out + o, n - o, ":#");
			continue;
		}
		if (at_word) {
			const char *q = p;
			while (isxdigit((unsigned char)*q))
				q++;
			if (q - p >= 5 && (*q == 0 || *q == ' ' || *q == '\n')) {
				p = q;
				o += snprintf(out + o, n - o, "#");
				continue;
			}
		}
		out[o++] = *p++;
	}
	out[o] = 0;
	while (o && (out[o - 1] == ' ' || out[o - 1] == '\n'))
		out[--o] = 0;
}

static void print_console(int kfd)
{
	char rec[2048], norm[1024];
	for (;;) {
		ssize_t n = read(kfd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* overwritten records */
		if (n <= 0)
			break;
		rec[n] = 0;
		char *msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		char *nl = strchr(msg, '\n');
		if (nl)
			*nl = 0;
		if (!console_relevant(msg))
			continue;
		normalize(msg, norm, sizeof(norm));
		printf("%s console %s\n", cur->id, norm);
	}
}

static const char *unmet_requirement(struct litmus *l)
{
	static char why[64];
	struct statfs sf;
	for (int i = 0; i < l->nrequires; i++) {
		const char *r = l->requires[i];
		if (!strcmp(r, "hugetlb")) {
			FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
			int n = 0;
			if (f) {
				if (fscanf(f, "%d", &n) != 1)
					n = 0;
				fclose(f);
			}
			if (n < 2)
				return "requires hugetlb: fewer than 2 free 2 MiB huge pages";
		} else if (!strcmp(r, "inject")) {
			if (access("/sys/kernel/debug/hwpoison/corrupt-pfn", W_OK))
				return "requires inject: no /sys/kernel/debug/hwpoison (hwpoison_inject)";
		} else if (!strcmp(r, "file")) {
			if (statfs(FILEDIR, &sf) || sf.f_type != 0xEF53)
				return "requires file: no ext2/ext4 filesystem at " FILEDIR;
		} else if (!strcmp(r, "thp")) {
			if (access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK))
				return "requires thp: no transparent_hugepage";
		} else if (!strcmp(r, "offline")) {
			if (access("/sys/devices/system/memory/hard_offline_page", W_OK))
				return "requires offline: no /sys/devices/system/memory/*_offline_page";
		} else {
			snprintf(why, sizeof(why), "unknown requirement '%s'", r);
			return why;
		}
	}
	return NULL;
}

static void restore_sysctls(const int saved[3])
{
	static const char *names[] = {"/proc/sys/vm/memory_failure_early_kill", "/proc/sys/vm/memory_failure_recovery",
				      "/proc/sys/vm/enable_soft_offline"};
	char text[16];
	for (int i = 0; i < 3; i++) {
		if (saved[i] < 0)
			continue;
		snprintf(text, sizeof(text), "%d\n", saved[i]);
		write_file(names[i], text);
	}
}

static void save_sysctls(int saved[3])
{
	static const char *names[] = {"/proc/sys/vm/memory_failure_early_kill", "/proc/sys/vm/memory_failure_recovery",
				      "/proc/sys/vm/enable_soft_offline"};
	for (int i = 0; i < 3; i++) {
		FILE *f = fopen(names[i], "r");
		saved[i] = -1;
		if (f) {
			if (fscanf(f, "%d", &saved[i]) != 1)
				saved[i] = -1;
			fclose(f);
		}
	}
}

static void run_file(struct litmus *l)
{
	const char *why = unmet_requirement(l);
	int seen[MAXT] = {0}, saved[3];
	long before[6], after[6];
	int kfd;

	cur = l;
	if (why) {
		printf("%s skipped %s\n", l->id, why);
		fflush(stdout);
		return;
	}
	memset(shm, 0, sizeof(*shm));
	memset(dead_status, 0, sizeof(dead_status));
	for (int t = 0; t < l->ntasks; t++)
		if (pipe(cmdfd[t]) || pipe(repfd[t]))
			die("pipe: %s", strerror(errno));
	save_sysctls(saved);
	read_counters(before);
	kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kfd >= 0)
		lseek(kfd, 0, SEEK_END);
	fflush(stdout);

	for (int t = 0; t < l->ntasks; t++) {
		if (!l->initial[t])
			continue;
		shm->t[t].proc = t;
		pid_t pid = fork();
		if (pid == 0) {
			worker_main((void *)(long)t);
			_exit(0);
		}
		if (pid < 0)
			die("fork: %s", strerror(errno));
	}

	for (int i = 0; i < l->nsteps; i++) {
		struct step *s = &l->steps[i];
		struct tslot *t = &shm->t[s->task];
		char args[256] = "", sigs[512], exitbuf[32] = "alive";
		struct reply r = {.ret = 0, .err = 0, .has_ret = 0, .data = "-", .map = "-"};
		int status, done = 0, waited = 0;

		for (int a = 0; a < s->argc; a++) {
			strcat(args, " ");
			strcat(args, s->argv[a]);
		}
		if (s->model_only) {
			printf("%s %d %s %s%s => skipped model-only\n", l->id, i + 1, l->tasks[s->task], s->op, args);
			continue;
		}
		/* The task must exist: a forked child or new thread announces itself in the shared page. */
		while (!t->tid && waited < 5000) {
			if (process_dead(t->proc, &status))
				break;
			msleep(1);
			waited++;
		}
		if (!process_dead(t->proc, &status) && t->tid) {
			if (write(cmdfd[s->task][1], &i, sizeof(i)) != sizeof(i))
				die("command pipe: %s", strerror(errno));
			for (waited = 0; waited < 20000; waited += 5) {
				struct pollfd pfd = {repfd[s->task][0], POLLIN, 0};
				if (poll(&pfd, 1, 5) > 0 && read(repfd[s->task][0], &r, sizeof(r)) == sizeof(r)) {
					done = 1;
					break;
				}
				if (process_dead(t->proc, &status))
					break;
			}
			if (!done && !process_dead(t->proc, &status))
				die("%s:%d: step did not finish", l->path, s->line);
		}
		/* Let signals sent to other tasks during the step reach their handlers before anyone looks. */
		msleep(2);
		format_sigs(sigs, sizeof(sigs), s->task, seen[s->task]);
		seen[s->task] = t->nsig;
		if (process_dead(t->proc, &status))
			format_exit(exitbuf, sizeof(exitbuf), status);
		if (done && r.has_ret)
			printf("%s %d %s %s%s => ret=%ld errno=%s sig=%s data=%s map=%s exit=%s\n", l->id, i + 1,
			       l->tasks[s->task], s->op, args, r.ret, errname(r.err), sigs, r.data, r.map, exitbuf);
		else
			printf("%s %d %s %s%s => ret=- errno=- sig=%s data=%s map=%s exit=%s\n", l->id, i + 1,
			       l->tasks[s->task], s->op, args, sigs, done ? r.data : "-", done ? r.map : "-", exitbuf);
		fflush(stdout);
	}

	/* Tear down: every process of the file, then the files it made. */
	for (int t = 0; t < l->ntasks; t++)
		if (shm->t[t].pid)
			kill(shm->t[t].pid, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
	for (int t = 0; t < l->ntasks; t++) {
		close(cmdfd[t][0]);
		close(cmdfd[t][1]);
		close(repfd[t][0]);
		close(repfd[t][1]);
	}
	for (int m = 0; m < l->nmaps; m++) {
		char path[160];
		snprintf(path, sizeof(path), "%s/%s-%s", FILEDIR, l->id, l->maps[m]);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s-%s", SHMDIR, l->id, l->maps[m]);
		unlink(path);
	}
	restore_sysctls(saved);
	msleep(20);
	read_counters(after);
	if (kfd >= 0) {
		print_console(kfd);
		close(kfd);
	}
	printf("%s counters", l->id);
	print_delta("HardwareCorrupted", before[0], after[0], "kB");
	print_delta("total", before[1], after[1], "");
	print_delta("ignored", before[2], after[2], "");
	print_delta("failed", before[3], after[3], "");
	print_delta("delayed", before[4], after[4], "");
	print_delta("recovered", before[5], after[5], "");
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static struct litmus files[128];
	int n = 0;
	struct rlimit nocore = {0, 0};

	if (argc < 2) {
		fprintf(stderr, "usage: litmus-runner FILE.litmus...\n");
		return 2;
	}
	if (argc - 1 > 128)
		die("at most 128 files");
	setrlimit(RLIMIT_CORE, &nocore);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	for (int i = 1; i < argc; i++)
		parse(argv[i], &files[n++]);
	/* Files marked late change machine-wide state (the zero page, reserved or free frames): they run last. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++)
			if (files[i].late == pass)
				run_file(&files[i]);
	return 0;
}

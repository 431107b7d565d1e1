using System.Numerics;

namespace KernelModel.Mm;

/// <summary>
/// One order's free list of a zone (include/linux/mmzone.h, struct free_area): the free blocks of that order, by the
/// pfn of their first page. The model hands out the lowest free block first, so the list is an ordered set; it is
/// kept as a bitmap of block heads with two summary levels, so that adding, removing, testing and finding the lowest
/// block cost a few word operations and no heap allocation. The bitmap's words come in chunks that exist only once a
/// block in their range has been free, so an untouched terabyte costs one null reference per chunk.
/// </summary>
[KernelSymbol("include/linux/mmzone.h", "free_area")]
internal sealed class FreeArea
{
    // A chunk is 64 words of 64 bits: 4096 block heads, and a 65th word whose bit w says word w is not empty, so
    // finding or clearing the lowest head never scans the chunk.
    private const int ChunkShift = 12;
    private const int WordsPerChunk = 1 << (ChunkShift - 6);
    private const int NonEmptyWords = WordsPerChunk;

    private readonly ulong _basePfn;
    private readonly int _order;
    private readonly ulong[]?[] _chunks;
    private readonly ulong[] _summary;
    private readonly ulong[] _top;

    /// <summary>An empty list for blocks of 2^<paramref name="order"/> pages among <paramref name="pages"/> frames from <paramref name="basePfn"/>.</summary>
    public FreeArea(ulong basePfn, ulong pages, int order)
    {
        _basePfn = basePfn;
        _order = order;
        var heads = (pages + (1UL << order) - 1) >> order;
        var chunks = (int)((heads + (1UL << ChunkShift) - 1) >> ChunkShift);
        _chunks = new ulong[]?[chunks];
        _summary = new ulong[(chunks + 63) / 64];
        _top = new ulong[(_summary.Length + 63) / 64];
    }

    /// <summary>nr_free: blocks on the list.</summary>
    public int Count { get; private set; }

    /// <summary>The lowest free block's first pfn.</summary>
    /// <exception cref="InvalidOperationException">The list is empty.</exception>
    public ulong Min
    {
        get
        {
            for (var t = 0; t < _top.Length; t++)
            {
                if (_top[t] == 0)
                {
                    continue;
                }

                var s = (t << 6) + BitOperations.TrailingZeroCount(_top[t]);
                var c = (s << 6) + BitOperations.TrailingZeroCount(_summary[s]);
                var chunk = _chunks[c]!;
                var w = BitOperations.TrailingZeroCount(chunk[NonEmptyWords]);
                var head = ((ulong)c << ChunkShift) + ((ulong)w << 6) + (ulong)BitOperations.TrailingZeroCount(chunk[w]);
                return _basePfn + (head << _order);
            }

            throw new InvalidOperationException($"the order-{_order} free list is empty");
        }
    }

    /// <summary>Puts a block on the list; false when it already was.</summary>
    public bool Add(ulong pfn)
    {
        var (c, w, bit) = Locate(pfn);
        var chunk = _chunks[c] ??= new ulong[WordsPerChunk + 1];
        if ((chunk[w] & bit) != 0)
        {
            return false;
        }

        chunk[w] |= bit;
        chunk[NonEmptyWords] |= 1UL << w;
        _summary[c >> 6] |= 1UL << (c & 63);
        _top[c >> 12] |= 1UL << ((c >> 6) & 63);
        Count++;
        return true;
    }

    /// <summary>Takes a block off the list; false when it was not on it.</summary>
    public bool Remove(ulong pfn)
    {
        var (c, w, bit) = Locate(pfn);
        if (_chunks[c] is not { } chunk || (chunk[w] & bit) == 0)
        {
            return false;
        }

        chunk[w] &= ~bit;
        Count--;
        if (chunk[w] == 0 && (chunk[NonEmptyWords] &= ~(1UL << w)) == 0)
        {
            _summary[c >> 6] &= ~(1UL << (c & 63));
            if (_summary[c >> 6] == 0)
            {
                _top[c >> 12] &= ~(1UL << ((c >> 6) & 63));
            }
        }

        return true;
    }

    /// <summary>Whether the block starting at <paramref name="pfn"/> is on the list.</summary>
    public bool Contains(ulong pfn)
    {
        var (c, w, bit) = Locate(pfn);
        return _chunks[c] is { } chunk && (chunk[w] & bit) != 0;
    }

    /// <summary>The blocks on the list, lowest first (a copy: the list may change afterwards).</summary>
    public ulong[] ToArray()
    {
        var blocks = new ulong[Count];
        var n = 0;
        for (var c = 0; c < _chunks.Length; c++)
        {
            if (_chunks[c] is not { } chunk)
            {
                continue;
            }

            for (var w = 0; w < WordsPerChunk; w++)
            {
                for (var word = chunk[w]; word != 0; word &= word - 1)
                {
                    var head = ((ulong)c << ChunkShift) + ((ulong)w << 6) + (ulong)BitOperations.TrailingZeroCount(word);
                    blocks[n++] = _basePfn + (head << _order);
                }
            }
        }

        return blocks;
    }

    private (int Chunk, int Word, ulong Bit) Locate(ulong pfn)
    {
        var head = (pfn - _basePfn) >> _order;
        return ((int)(head >> ChunkShift), (int)((head >> 6) & (WordsPerChunk - 1)), 1UL << (int)(head & 63));
    }
}

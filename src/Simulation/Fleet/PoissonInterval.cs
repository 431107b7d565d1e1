namespace KernelModel.Simulation.Fleet;

/// <summary>
/// Confidence intervals for an event count: the exact (Garwood) interval for a Poisson count, widened for
/// over-dispersion (quasi-Poisson: machines differ, so events cluster on some of them). The interval for k events
/// is [G(alpha/2; k), G(1-alpha/2; k+1)] with G the gamma quantile; with dispersion D > 1 it is D times the interval
/// for k/D.
/// </summary>
public static class PoissonInterval
{
    /// <summary>The 95 % interval for <paramref name="count"/> events with dispersion <paramref name="dispersion"/> (variance/mean, at least 1).</summary>
    public static (double Low, double High) Of(long count, double dispersion = 1, double confidence = 0.95)
    {
        var d = Math.Max(1, dispersion);
        var k = count / d;
        var alpha = 1 - confidence;
        var low = count == 0 ? 0 : GammaQuantile(alpha / 2, k);
        var high = GammaQuantile(1 - (alpha / 2), k + 1);
        return (low * d, high * d);
    }

    /// <summary>The dispersion index of per-machine counts from their sum and sum of squares over <paramref name="n"/> machines.</summary>
    public static double Dispersion(long sum, long sumOfSquares, long n)
    {
        if (n <= 1 || sum == 0)
        {
            return 1;
        }

        var mean = (double)sum / n;
        var variance = ((double)sumOfSquares - (n * mean * mean)) / (n - 1);
        return Math.Max(1, variance / mean);
    }

    /// <summary>x with P(a, x) = p, the regularized lower incomplete gamma function (bisection; unit scale).</summary>
    public static double GammaQuantile(double p, double a)
    {
        double lo = 0, hi = Math.Max(1, a);
        while (RegularizedGammaP(a, hi) < p)
        {
            hi *= 2;
        }

        for (var i = 0; i < 200 && hi - lo > 1e-12 * Math.Max(1, hi); i++)
        {
            var mid = (lo + hi) / 2;
            if (RegularizedGammaP(a, mid) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }

    /// <summary>P(a, x): the series for x &lt; a + 1, the continued fraction otherwise (Numerical Recipes 6.2).</summary>
    public static double RegularizedGammaP(double a, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        var lnPrefix = (a * Math.Log(x)) - x - LogGamma(a);
        if (x < a + 1)
        {
            double sum = 1 / a, term = sum;
            for (var n = 1; n < 1000; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-15)
                {
                    break;
                }
            }

            return Math.Min(1, sum * Math.Exp(lnPrefix));
        }

        // Lentz's method for the continued fraction of Q(a, x).
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + (an / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15)
            {
                break;
            }
        }

        return Math.Max(0, 1 - (Math.Exp(lnPrefix) * h));
    }

    /// <summary>ln Gamma(x) for x &gt; 0 (Lanczos, g = 7, n = 9).</summary>
    public static double LogGamma(double x)
    {
        double[] c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = c[0];
        for (var i = 1; i < 9; i++)
        {
            sum += c[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}

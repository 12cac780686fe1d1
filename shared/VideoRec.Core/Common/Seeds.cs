namespace VideoRec.Core.Common;

/// <summary>Derives independent, reproducible seeds from a base seed (SplitMix64 finalizer).</summary>
public static class Seeds
{
    /// <summary>A non-negative seed for stream <paramref name="stream"/> of <paramref name="seed"/>; the same inputs always give the same output.</summary>
    public static int Derive(int seed, long stream)
    {
        unchecked
        {
            var z = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream + 0x632BE59BD9B4E019UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & int.MaxValue);
        }
    }
}

using System.Text.Json;

namespace VideoRec.Core.Scoring;

/// <summary>
/// Per-column standardisation of feature rows, z = (x − mean) / std, with mean and std computed on the training rows
/// and saved with the model (the ONNX graph applies them, so the scorer feeds raw rows). A column whose std is below
/// <see cref="MinStd"/> (constant in training, such as a feature the data never has) keeps std 1, so it stays finite.
/// </summary>
public sealed class NormalizationStats
{
    /// <summary>Smallest std kept; below it the column's std is 1.</summary>
    public const float MinStd = 1e-6f;

    /// <summary>Creates stats from explicit values.</summary>
    /// <param name="mean">Mean per column, <c>[features]</c>.</param>
    /// <param name="std">Standard deviation per column, <c>[features]</c>, each finite and ≥ <see cref="MinStd"/>.</param>
    /// <exception cref="ArgumentException">Lengths differ, a value is not finite, or a std is below <see cref="MinStd"/>.</exception>
    public NormalizationStats(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length != std.Length)
        {
            throw new ArgumentException($"{mean.Length} means but {std.Length} standard deviations.");
        }

        for (var i = 0; i < mean.Length; i++)
        {
            if (!float.IsFinite(mean[i]) || !float.IsFinite(std[i]) || std[i] < MinStd)
            {
                throw new ArgumentException($"Column {i}: mean {mean[i]} and std {std[i]} must be finite, the std at least {MinStd}.");
            }
        }

        Mean = mean;
        Std = std;
    }

    /// <summary>Mean per column, <c>[features]</c>.</summary>
    public float[] Mean { get; }

    /// <summary>Standard deviation per column, <c>[features]</c>.</summary>
    public float[] Std { get; }

    /// <summary>Number of columns.</summary>
    public int Features => Mean.Length;

    /// <summary>The mean and population std of each column of <paramref name="rows"/> (<c>[rows, features]</c> row-major), in double precision.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <paramref name="features"/>, there is no row, or a value is not finite.</exception>
    public static NormalizationStats Compute(ReadOnlySpan<float> rows, int features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (rows.Length == 0 || rows.Length % features != 0)
        {
            throw new ArgumentException($"{rows.Length} values are not a positive number of rows of {features} features.");
        }

        var n = rows.Length / features;
        var sum = new double[features];
        var squares = new double[features];
        for (var r = 0; r < n; r++)
        {
            var row = rows.Slice(r * features, features);
            for (var c = 0; c < features; c++)
            {
                var x = row[c];
                if (!float.IsFinite(x))
                {
                    throw new ArgumentException($"Row {r}, column {c} is {x}; training rows must be finite.");
                }

                sum[c] += x;
                squares[c] += (double)x * x;
            }
        }

        var mean = new float[features];
        var std = new float[features];
        for (var c = 0; c < features; c++)
        {
            var m = sum[c] / n;
            var variance = Math.Max(0, squares[c] / n - m * m);
            mean[c] = (float)m;
            var s = (float)Math.Sqrt(variance);
            std[c] = s >= MinStd && float.IsFinite(s) ? s : 1f;
        }

        return new NormalizationStats(mean, std);
    }

    /// <summary>Standardises <paramref name="rows"/> (<c>[rows, features]</c>) in place.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="Features"/>.</exception>
    public void Apply(Span<float> rows)
    {
        if (rows.Length % Features != 0)
        {
            throw new ArgumentException($"{rows.Length} values are not whole rows of {Features} features.");
        }

        for (var start = 0; start < rows.Length; start += Features)
        {
            var row = rows.Slice(start, Features);
            for (var c = 0; c < Features; c++)
            {
                row[c] = (row[c] - Mean[c]) / Std[c];
            }
        }
    }

    /// <summary>The stats as JSON: <c>{"mean": [...], "std": [...]}</c> (floats round-trip exactly).</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dto(Mean, Std));

    /// <summary>Reads stats written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON or invalid values.</exception>
    public static NormalizationStats FromJson(string json)
    {
        try
        {
            var dto = JsonSerializer.Deserialize<Dto>(json) ?? throw new InvalidDataException("The normalization stats are empty.");
            return new NormalizationStats(dto.mean ?? throw new InvalidDataException("mean is missing."), dto.std ?? throw new InvalidDataException("std is missing."));
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"Invalid normalization stats: {e.Message}", e);
        }
    }

#pragma warning disable IDE1006 // JSON names
    private sealed record Dto(float[] mean, float[] std);
#pragma warning restore IDE1006
}

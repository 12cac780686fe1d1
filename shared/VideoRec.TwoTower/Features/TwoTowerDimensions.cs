namespace VideoRec.TwoTower.Features;

/// <summary>Embedding widths and layer sizes of the two towers.</summary>
public sealed record TwoTowerDimensions
{
    /// <summary>Width of user-id and video-id embeddings (also the history tables). Default 32.</summary>
    public int Id { get; init; } = 32;

    /// <summary>Width of the small categorical embeddings (occupation, language, country, city, buckets, device). Default 8.</summary>
    public int Categorical { get; init; } = 8;

    /// <summary>Width of tag embeddings. Default 16.</summary>
    public int Tag { get; init; } = 16;

    /// <summary>Hidden layer widths of each tower. Default one layer of 128.</summary>
    public int[] Hidden { get; init; } = [128];

    /// <summary>Width of the shared embedding space both towers map into. Default 64.</summary>
    public int Output { get; init; } = 64;

    /// <summary>Checks every size.</summary>
    /// <exception cref="ArgumentException">A size is below 1; the message names it.</exception>
    public void Validate()
    {
        foreach (var (name, value) in new[] { ("id", Id), ("categorical", Categorical), ("tag", Tag), ("output", Output) }.Concat(Hidden.Select(h => ("hidden", h))))
        {
            if (value < 1)
            {
                throw new ArgumentException($"Two-tower dimension '{name}' must be at least 1, not {value}.");
            }
        }
    }
}

namespace VideoRec.Core.Serving;

/// <summary>Limits of the serving endpoints.</summary>
public sealed record ServingOptions
{
    /// <summary>k when the request gives none. Default 10.</summary>
    public int DefaultK { get; init; } = 10;

    /// <summary>Largest k accepted; larger gets a validation error. Default 500.</summary>
    public int MaxK { get; init; } = 500;
}

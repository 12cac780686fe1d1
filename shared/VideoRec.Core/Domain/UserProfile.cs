namespace VideoRec.Core.Domain;

/// <summary>A user's profile (design, "Data engineering: Users"). Every field but the id is optional.</summary>
/// <param name="Id">The platform's user id.</param>
public sealed record UserProfile(string Id)
{
    /// <summary>Age in years.</summary>
    public int? Age { get; init; }

    /// <summary>Gender as the user gave it (<c>M</c>, <c>F</c>, or other values).</summary>
    public string? Gender { get; init; }

    /// <summary>City, or a postal code where that is all the data has.</summary>
    public string? City { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country code.</summary>
    public string? Country { get; init; }

    /// <summary>Preferred language as a BCP 47 tag.</summary>
    public string? Language { get; init; }

    /// <summary>IANA time zone id, such as <c>America/Chicago</c>.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Postal code, where the data has it.</summary>
    public string? PostalCode { get; init; }

    /// <summary>Occupation, where the data has it (MovieLens 100K does).</summary>
    public string? Occupation { get; init; }
}

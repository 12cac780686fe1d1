using System.Text.RegularExpressions;
using VideoRec.Core.Domain;
using VideoRec.Core.Reranking;

namespace VideoRec.Core.Serving.Recommend;

/// <summary>
/// One homepage request as the client sent it, before validation: the route's user id and the query string's (or
/// headers') context. <see cref="Validate"/> turns it into a <see cref="RecommendRequest"/> or errors by field name.
/// </summary>
public sealed partial record RecommendQuery
{
    /// <summary>The route's user id.</summary>
    public string? UserId { get; init; }

    /// <summary>Page size; <c>null</c> for <see cref="ServingOptions.DefaultK"/>.</summary>
    public int? K { get; init; }

    /// <summary>The <c>nextPageToken</c> of the previous page; <c>null</c> or empty for the first page.</summary>
    public string? PageToken { get; init; }

    /// <summary>The client device, such as <c>mobile</c>, <c>desktop</c>, <c>tv</c> or <c>tablet</c>; <c>null</c> when unknown.</summary>
    public string? Device { get; init; }

    /// <summary>The viewer's language (BCP 47, such as <c>en</c> or <c>pt-BR</c>); <c>null</c> falls back to the profile's.</summary>
    public string? Language { get; init; }

    /// <summary>The viewer's country (ISO 3166-1 alpha-2); <c>null</c> falls back to the profile's.</summary>
    public string? Country { get; init; }

    /// <summary>Whether the response adds what re-ranking removed and per-stage timings.</summary>
    public bool Explain { get; init; }

    /// <summary>The request time; <c>null</c> for now (tests and the simulator pin it).</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>Checks every field and normalises the context (country upper case, language to its primary subtag in lower case, device lower case).</summary>
    /// <param name="options">k's default and limit.</param>
    /// <param name="request">The validated request, when there are no errors.</param>
    /// <returns>Errors by field name (<c>userId</c>, <c>k</c>, <c>pageToken</c>, <c>device</c>, <c>language</c>, <c>country</c>); empty when valid.</returns>
    public IReadOnlyDictionary<string, string[]> Validate(ServingOptions options, out RecommendRequest? request)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (EntityIds.Check(UserId) is var problem && problem != IdProblem.None)
        {
            errors["userId"] = [EntityIds.Describe(problem, "userId")];
        }

        var k = K ?? options.DefaultK;
        if (k < 1 || k > options.MaxK)
        {
            errors["k"] = [$"k must be an integer between 1 and {options.MaxK}."];
        }

        IReadOnlyList<uint> served = [];
        if (!string.IsNullOrEmpty(PageToken) && !Reranking.PageToken.TryDecode(PageToken, out served, out var tokenError))
        {
            errors["pageToken"] = [tokenError ?? "pageToken is not a token this service issued."];
        }

        var device = Blank(Device) ? null : Device!.Trim().ToLowerInvariant();
        if (device is not null && !DevicePattern().IsMatch(device))
        {
            errors["device"] = ["device must be 1–32 letters, digits or hyphens, such as mobile, desktop, tv or tablet."];
        }

        var language = Blank(Language) ? null : Language!.Trim();
        if (language is not null && !LanguagePattern().IsMatch(language))
        {
            errors["language"] = ["language must be a BCP 47 tag such as en or pt-BR."];
        }

        var country = Blank(Country) ? null : Country!.Trim();
        if (country is not null && !CountryPattern().IsMatch(country))
        {
            errors["country"] = ["country must be an ISO 3166-1 alpha-2 code such as US or IN."];
        }

        request = errors.Count > 0 ? null : new RecommendRequest(UserId!, k, served, device, language?.Split('-')[0].ToLowerInvariant(),
            country?.ToUpperInvariant(), Explain, Now);
        return errors;
    }

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);

    [GeneratedRegex("^[a-z0-9-]{1,32}$")]
    private static partial Regex DevicePattern();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$")]
    private static partial Regex LanguagePattern();

    [GeneratedRegex("^[A-Za-z]{2}$")]
    private static partial Regex CountryPattern();
}

/// <summary>A validated homepage request.</summary>
/// <param name="UserId">The user.</param>
/// <param name="K">Page size.</param>
/// <param name="AlreadyServed">Hashes of the videos on earlier pages (from the page token), oldest first.</param>
/// <param name="Device">Lower-case device, or <c>null</c>.</param>
/// <param name="Language">Primary language subtag in lower case, or <c>null</c> (then the profile's).</param>
/// <param name="Country">Upper-case country code, or <c>null</c> (then the profile's).</param>
/// <param name="Explain">Whether to add removals and stage timings.</param>
/// <param name="Now">The request time, or <c>null</c> for now.</param>
public sealed record RecommendRequest(string UserId, int K, IReadOnlyList<uint> AlreadyServed, string? Device, string? Language, string? Country,
    bool Explain, DateTimeOffset? Now);

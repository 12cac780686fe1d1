namespace VideoRec.Core.Simulation;

/// <summary>A simulated user: profile and hidden tastes.</summary>
/// <param name="Id">User id (<c>u0</c>, <c>u1</c>, …).</param>
/// <param name="Country">ISO 3166-1 alpha-2 country.</param>
/// <param name="Language">BCP 47 language.</param>
/// <param name="Age">Age in years.</param>
/// <param name="Preferences">Hidden taste per topic, <c>[topics]</c>, non-negative, summing to 1 (a sparse Dirichlet draw).</param>
/// <param name="SessionsPerDay">Mean homepage visits per day.</param>
public sealed record SimulatedUser(string Id, string Country, string Language, int Age, float[] Preferences, double SessionsPerDay);

/// <summary>A simulated video: catalogue fields and hidden qualities.</summary>
/// <param name="Id">Video id (<c>v0</c>, …).</param>
/// <param name="Title">A title naming its main topic.</param>
/// <param name="Topic">Main topic.</param>
/// <param name="Tags">Tags: the main topic's name and a second topic's.</param>
/// <param name="Language">BCP 47 language.</param>
/// <param name="AllowedRegions">Countries where it may be shown; empty = everywhere.</param>
/// <param name="DurationSeconds">Length in seconds.</param>
/// <param name="CreatorId">Uploader.</param>
/// <param name="UploadedAt">Upload time.</param>
/// <param name="Quality">Hidden content quality in (0, 1): how much a matching viewer enjoys it.</param>
/// <param name="Appeal">Hidden thumbnail appeal in (0, 1): how tempting it looks (high for clickbait).</param>
/// <param name="Clickbait">Whether it was generated as clickbait (appeal high, quality low).</param>
/// <param name="PopularityWeight">Organic reach, Zipf by rank.</param>
public sealed record SimulatedVideo(string Id, string Title, int Topic, IReadOnlyList<string> Tags, string Language, IReadOnlyList<string> AllowedRegions,
    double DurationSeconds, string CreatorId, DateTimeOffset UploadedAt, double Quality, double Appeal, bool Clickbait, double PopularityWeight);

namespace VideoRec.Core.CandidateGeneration.Activity;

/// <summary>One view of a video: the unit popular and trending lists count.</summary>
/// <param name="VideoId">The video watched.</param>
/// <param name="Timestamp">When.</param>
/// <param name="Country">The viewer's country (ISO 3166-1 alpha-2); <c>null</c> when unknown (counted only globally).</param>
public readonly record struct ViewEvent(string VideoId, DateTimeOffset Timestamp, string? Country);

namespace VideoRec.Core.CandidateGeneration.Activity;

/// <summary>
/// Views of a video: the unit popular and trending lists count. One event is one view; an aggregated feed (such as the
/// feature store's hourly view counts) passes the hour's count in <paramref name="Count"/>.
/// </summary>
/// <param name="VideoId">The video watched.</param>
/// <param name="Timestamp">When.</param>
/// <param name="Country">The viewer's country (ISO 3166-1 alpha-2); <c>null</c> when unknown (counted only globally).</param>
/// <param name="Count">How many views this event stands for; events with a count below 1 are ignored.</param>
public readonly record struct ViewEvent(string VideoId, DateTimeOffset Timestamp, string? Country, int Count = 1);

using System.Diagnostics;
using System.Diagnostics.Metrics;
using VideoRec.Core.CandidateGeneration;

namespace VideoRec.Core.Pipeline;

/// <summary>
/// Traces and metrics of the recommend pipeline (System.Diagnostics; exported by OpenTelemetry in the hosts): one
/// activity per request with a child per stage, and per stage and source latency histograms, candidate counts and
/// fallback counters. Tags carry source, stage, status and model names only, never user or video ids.
/// </summary>
public static class RecommendTelemetry
{
    /// <summary>The activity source and meter name to subscribe to.</summary>
    public const string Name = "VideoRec.Recommend";

    /// <summary>Traces.</summary>
    public static ActivitySource Activities { get; } = new(Name);

    /// <summary>Metrics.</summary>
    public static Meter Meter { get; } = new(Name);

    /// <summary>Stage wall time, ms, tagged <c>stage</c>.</summary>
    public static Histogram<double> StageDuration { get; } = Meter.CreateHistogram<double>("videorec.recommend.stage.duration", "ms", "Wall time of one pipeline stage for one request.");

    /// <summary>Candidate source wall time, ms, tagged <c>source</c> and <c>status</c>.</summary>
    public static Histogram<double> SourceDuration { get; } = Meter.CreateHistogram<double>("videorec.candidates.source.duration", "ms", "Wall time of one candidate source for one request.");

    /// <summary>Videos proposed per source and request, tagged <c>source</c>.</summary>
    public static Histogram<int> SourceCandidates { get; } = Meter.CreateHistogram<int>("videorec.candidates.source.count", "{video}", "Videos one source proposed for one request.");

    /// <summary>Fallbacks, tagged <c>stage</c> (and <c>source</c> for a failed or late source).</summary>
    public static Counter<long> Fallbacks { get; } = Meter.CreateCounter<long>("videorec.recommend.fallbacks", "{fallback}", "Stages or sources that fell back.");

    /// <summary>Records one request's candidate set.</summary>
    public static void RecordCandidates(CandidateSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        foreach (var s in set.Sources)
        {
            var source = new KeyValuePair<string, object?>("source", s.Source);
            SourceDuration.Record(s.ElapsedMs, source, new("status", StatusName(s.Status)));
            SourceCandidates.Record(s.Proposed, source);
            if (s.Status != SourceStatus.Ok)
            {
                Fallbacks.Add(1, new("stage", "candidates"), source);
            }
        }
    }

    /// <summary>Records one stage.</summary>
    public static void RecordStage(StageReport stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var tag = new KeyValuePair<string, object?>("stage", stage.Stage);
        StageDuration.Record(stage.ElapsedMs, tag);
        if (stage.Degraded is not null)
        {
            Fallbacks.Add(1, tag);
        }
    }

    /// <summary>The tag value of a source status.</summary>
    public static string StatusName(SourceStatus status) => status switch
    {
        SourceStatus.Ok => "ok",
        SourceStatus.Failed => "failed",
        _ => "timed_out",
    };
}

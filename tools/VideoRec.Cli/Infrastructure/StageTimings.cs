using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using VideoRec.Core.Common;
using VideoRec.Core.Pipeline;

namespace VideoRec.Cli.Infrastructure;

/// <summary>
/// Collects the recommend pipeline's own stage and source durations (the <see cref="RecommendTelemetry"/> histograms,
/// through a <see cref="MeterListener"/>) while a benchmark runs, to show where a request's time goes.
/// </summary>
public sealed class StageTimings : IDisposable
{
    private readonly MeterListener _listener = new();
    private ConcurrentQueue<(string Key, double Ms)> _samples = new();

    /// <summary>Starts listening.</summary>
    public StageTimings()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RecommendTelemetry.Name && instrument.Name is "videorec.recommend.stage.duration" or "videorec.candidates.source.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key is "stage" or "source")
                {
                    _samples.Enqueue(($"{tag.Key}:{tag.Value}", value));
                    return;
                }
            }
        });
        _listener.Start();
    }

    /// <summary>p50 and p99 per stage and source since the last call, ms; clears the samples.</summary>
    public JsonObject TakeSummary()
    {
        var samples = Interlocked.Exchange(ref _samples, new ConcurrentQueue<(string Key, double Ms)>());
        var summary = new JsonObject();
        foreach (var group in samples.GroupBy(s => s.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var sorted = group.Select(s => s.Ms).Order().ToArray();
            summary[group.Key] = new JsonObject
            {
                ["p50_ms"] = Math.Round(Percentiles.NearestRank(sorted, 0.5), 3),
                ["p99_ms"] = Math.Round(Percentiles.NearestRank(sorted, 0.99), 3),
            };
        }

        return summary;
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();
}

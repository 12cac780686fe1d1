using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace VideoRec.Api.Resilience;

/// <summary>
/// Timeouts and circuit breakers around what the recommend path calls outside its own memory: the feature store
/// reads and the vector index searches. A breaker opens when at least <see cref="FailureRatio"/> of at least
/// <see cref="MinimumThroughput"/> calls within <see cref="SamplingSeconds"/> failed, then fails calls at once for
/// <see cref="BreakSeconds"/>, so a sick store or index costs requests nothing while the pipeline degrades (served
/// from the bundle; the source reported failed).
/// </summary>
public sealed class ServingResilienceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "VideoRec:Resilience";

    /// <summary>Timeout of one feature-store read, ms. Default 50.</summary>
    public int StoreTimeoutMs { get; set; } = 50;

    /// <summary>Timeout of one vector search, ms. Default 100.</summary>
    public int IndexTimeoutMs { get; set; } = 100;

    /// <summary>Share of failed calls that opens a breaker, in (0, 1]. Default 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls in the sampling window before a breaker may open. Default 20.</summary>
    public int MinimumThroughput { get; set; } = 20;

    /// <summary>The sampling window, seconds. Default 10.</summary>
    public double SamplingSeconds { get; set; } = 10;

    /// <summary>How long an open breaker fails calls before trying again, seconds. Default 5.</summary>
    public double BreakSeconds { get; set; } = 5;

    /// <summary>Every problem, each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (StoreTimeoutMs is < 1 or > 60_000)
        {
            errors.Add($"{nameof(StoreTimeoutMs)} must be 1–60000 ms (found {StoreTimeoutMs}).");
        }

        if (IndexTimeoutMs is < 1 or > 60_000)
        {
            errors.Add($"{nameof(IndexTimeoutMs)} must be 1–60000 ms (found {IndexTimeoutMs}).");
        }

        if (!(FailureRatio > 0 && FailureRatio <= 1))
        {
            errors.Add($"{nameof(FailureRatio)} must be in (0, 1] (found {FailureRatio}).");
        }

        if (MinimumThroughput < 2)
        {
            errors.Add($"{nameof(MinimumThroughput)} must be at least 2 (found {MinimumThroughput}).");
        }

        if (!(SamplingSeconds >= 0.5 && SamplingSeconds <= 3600))
        {
            errors.Add($"{nameof(SamplingSeconds)} must be 0.5–3600 (found {SamplingSeconds}).");
        }

        if (!(BreakSeconds >= 0.5 && BreakSeconds <= 3600))
        {
            errors.Add($"{nameof(BreakSeconds)} must be 0.5–3600 (found {BreakSeconds}).");
        }

        return errors;
    }

    /// <summary>A timeout-inside-breaker pipeline with <paramref name="timeoutMs"/> (Polly v8).</summary>
    /// <param name="timeoutMs">The per-call timeout.</param>
    /// <param name="time">The clock (tests pass a fake one).</param>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public ResiliencePipeline Build(int timeoutMs, TimeProvider? time = null)
    {
        if (Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException("Invalid resilience settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        var builder = new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System };
        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = FailureRatio,
                MinimumThroughput = MinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(SamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(BreakSeconds),
                // The caller giving up (its own budget) says nothing about the dependency's health.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e &&
                    (e is not OperationCanceledException || e is TimeoutRejectedException)),
            })
            .AddTimeout(TimeSpan.FromMilliseconds(timeoutMs))
            .Build();
    }
}

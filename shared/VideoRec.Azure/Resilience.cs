using System.Net.Sockets;
using Azure;
using Microsoft.Azure.Cosmos;
using Polly;
using Polly.Retry;
using VideoRec.Core.Ingestion;

namespace VideoRec.Azure;

/// <summary>
/// The retry rules of the Azure adapters: exponential back-off with jitter on transient failures (timeouts, throttling,
/// server errors, network errors), never on other client errors; when the retries are spent the caller sees
/// <see cref="StoreUnavailableException"/>.
/// </summary>
internal static class Resilience
{
    /// <summary>Whether an HTTP status is worth retrying: 408, 429, 449 (Cosmos "retry with") and 5xx except 501 and 505.</summary>
    public static bool IsTransientStatus(int status) =>
        status is 408 or 429 or 449 || (status >= 500 && status != 501 && status != 505);

    /// <summary>Whether <paramref name="e"/> is a transient failure of an Azure Storage or Cosmos DB call.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        RequestFailedException r => r.Status == 0 || IsTransientStatus(r.Status), // status 0: no response (network)
        CosmosException c => IsTransientStatus((int)c.StatusCode),
        HttpRequestException or SocketException or TimeoutException or IOException => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsTransient),
        _ => e.InnerException is { } inner && (inner is HttpRequestException or SocketException or TimeoutException),
    };

    /// <summary>A pipeline retrying transient failures <paramref name="attempts"/> times from <paramref name="delay"/>.</summary>
    public static ResiliencePipeline Retry(int attempts, TimeSpan delay) => attempts <= 0
        ? ResiliencePipeline.Empty
        : new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // A timeout of the SDK's own surfaces as OperationCanceledException without our token being cancelled.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e &&
                    (IsTransient(e) || (e is OperationCanceledException && !args.Context.CancellationToken.IsCancellationRequested))),
                MaxRetryAttempts = attempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = delay,
                MaxDelay = TimeSpan.FromSeconds(10),
            })
            .Build();

    /// <summary>Runs <paramref name="call"/> through <paramref name="pipeline"/>, turning spent retries into <see cref="StoreUnavailableException"/>.</summary>
    public static async Task<T> RunAsync<T>(ResiliencePipeline pipeline, string what, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(call, cancellationToken);
        }
        catch (Exception e) when (IsTransient(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new StoreUnavailableException($"{what} is unavailable: {Describe(e)}", e);
        }
    }

    /// <summary>One line about a failure: status and error code where the service sent them.</summary>
    public static string Describe(Exception e) => e switch
    {
        RequestFailedException r when r.Status != 0 => $"HTTP {r.Status} {r.ErrorCode}".TrimEnd() + ".",
        CosmosException c => $"HTTP {(int)c.StatusCode} ({c.StatusCode}, substatus {c.SubStatusCode}).",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}

using Microsoft.Extensions.Hosting;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;

namespace VideoRec.Host;

/// <summary>Runs the <see cref="QueueWorker"/> for the lifetime of the local host: the local stand-in for the Functions queue trigger.</summary>
/// <param name="worker">The worker.</param>
public sealed class QueueWorkerService(QueueWorker worker) : BackgroundService
{
    /// <summary>Pause when the queue is empty.</summary>
    public static TimeSpan Idle { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => worker.RunAsync(Idle, stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
}

/// <summary>Runs the <see cref="EmbeddingRefreshWorker"/> for the lifetime of the local host: the local stand-in for the embedding refresh queue trigger.</summary>
/// <param name="worker">The worker.</param>
public sealed class EmbeddingRefreshService(EmbeddingRefreshWorker worker) : BackgroundService
{
    /// <summary>Pause when the refresh queue is empty.</summary>
    public static TimeSpan Idle { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => worker.RunAsync(Idle, stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
}

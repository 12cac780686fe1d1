using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Serving;
using VideoRec.Azure;
using VideoRec.Azure.Queues;
using VideoRec.Host;
using VideoRec.Api;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec serve</c>: the local host.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var port = CommonOptions.Range(new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 8080 }, 0, 65535);
        var database = new Option<string>("--db")
        {
            Description = "SQLite file of the feature store and event queue (ingestion, catalogue and profile endpoints).",
            HelpName = "FILE",
            DefaultValueFactory = _ => "vrec.db",
        };
        var queueConnection = new Option<string?>("--queue-connection")
        {
            Description = "Use an Azure Storage queue (for example Azurite: UseDevelopmentStorage=true) instead of the SQLite queue table.",
            HelpName = "CONNECTION",
        };
        var telemetry = CommonOptions.OneOf(new Option<string>("--telemetry")
        {
            Description = "Where OpenTelemetry traces and metrics of the recommend pipeline go: none, console, or otlp (OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4317).",
            DefaultValueFactory = _ => "none",
            HelpName = "EXPORTER",
        }, "none", "console", "otlp");
        var experiment = new Option<string?>("--experiment")
        {
            Description = "Serve an A/B experiment from this JSON file (as vrec simulate --experiment): each arm its own pipeline configuration, users assigned by a stable hash, every page logged with its arm (with --db).",
            HelpName = "FILE",
        };
        var queueName = new Option<string>("--queue") { Description = "Storage queue name (with --queue-connection).", DefaultValueFactory = _ => "events", HelpName = "NAME" };
        var command = new Command("serve", "Serve the recommendation, ingestion and catalogue API on 127.0.0.1, processing the event queue in the background, until Ctrl+C.")
        {
            model, port, database, queueConnection, queueName, telemetry, experiment,
        };
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            var databasePath = parse.GetValue(database);
            if (string.IsNullOrWhiteSpace(databasePath) || Directory.Exists(databasePath))
            {
                throw new CliException($"--db: '{databasePath}' must be a file name.");
            }

            DatabaseFiles.Open(databasePath); // Bad files fail here with one clear line, before the host starts.
            var experimentOptions = parse.GetValue(experiment) is { } file ? SimulateCommand.ReadExperiment(file) : null;
            if (experimentOptions?.Validate() is { Count: > 0 } problems)
            {
                throw new CliException($"--experiment: {string.Join(" ", problems)}");
            }

            var connection = parse.GetValue(queueConnection);
            var name = parse.GetValue(queueName)!;
            Action<IServiceCollection>? configureQueue = connection is null ? null : services => services.AddStorageQueue(connection,
                options: new StorageQueueOptions { QueueName = name, PoisonQueueName = name + "-poison" });
            await using var app = LocalHost.Build(new LocalHostOptions
            {
                ModelPath = parse.GetValue(model)!,
                Port = parse.GetValue(port),
                DatabasePath = databasePath,
                ConfigureQueue = configureQueue,
                Experiment = experimentOptions,
                Telemetry = parse.GetValue(telemetry) switch { "console" => TelemetryExporter.Console, "otlp" => TelemetryExporter.Otlp, _ => TelemetryExporter.None },
            });
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                throw new CliException($"port {parse.GetValue(port)} on 127.0.0.1 is in use; choose another with --port (0 picks a free one).");
            }
            var address = LocalHost.Address(app);
            var version = app.Services.GetRequiredService<IModelBundleProvider>().Current.Version;
            AnsiConsole.MarkupLine($"Serving model [bold]{version}[/] on {address}, feature store {Markup.Escape(Path.GetFullPath(databasePath))} (Ctrl+C to stop).");
            CopyableLine.Write($"  curl '{address}/api/users/1/recommendations?k=10'");
            CopyableLine.Write($"  curl '{address}/api/videos/1/similar?k=5'");
            CopyableLine.Write($"  curl '{address}/health'");
            CopyableLine.Write($"  curl -X POST '{address}/api/events' -H 'Content-Type: application/json' -d '[{{\"eventId\":\"e1\",\"userId\":\"1\",\"videoId\":\"1\",\"type\":\"like\",\"timestamp\":\"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\"}}]'");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
            return 0;
        }, parse.GetValue(database)));
        return command;
    }
}

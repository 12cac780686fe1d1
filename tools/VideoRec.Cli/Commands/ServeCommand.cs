using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.Serving;
using VideoRec.Host;

namespace VideoRec.Cli.Commands;

/// <summary><c>vrec serve</c>: the local host.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var port = CommonOptions.Range(new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 8080 }, 0, 65535);
        var command = new Command("serve", "Serve the recommendation API on 127.0.0.1 from a model bundle, until Ctrl+C.") { model, port };
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            await using var app = LocalHost.Build(new LocalHostOptions { ModelPath = parse.GetValue(model)!, Port = parse.GetValue(port) });
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
            AnsiConsole.MarkupLine($"Serving model [bold]{version}[/] on {address} (Ctrl+C to stop).");
            AnsiConsole.MarkupLine($"  curl '{address}/api/users/1/recommendations?k=10'");
            AnsiConsole.MarkupLine($"  curl '{address}/api/videos/1/similar?k=5'");
            AnsiConsole.MarkupLine($"  curl '{address}/health'");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
            return 0;
        }));
        return command;
    }
}

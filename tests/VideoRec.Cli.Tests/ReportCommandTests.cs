using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class ReportCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<(string Db, string Json)> SimulateAsync()
    {
        var (db, json) = (_temp["sim.db"], _temp["sim.json"]);
        await Vrec.SucceedsAsync("simulate", "--users", "120", "--videos", "300", "--topics", "8", "--days", "2", "--warmup-days", "2",
            "--arms", "popularity,pipeline", "--db", db, "--json", json);
        return (db, json);
    }

    [Fact]
    public async Task Report_from_the_database_and_from_the_simulation_agree_on_CTR_and_write_html_next_to_json()
    {
        var (db, json) = await SimulateAsync();
        var (fromDb, fromSim) = (_temp["db-report.html"], _temp["sim-report.html"]);

        await Vrec.SucceedsAsync("report", "--db", db, "--control", "popularity", "--out", fromDb);
        await Vrec.SucceedsAsync("report", "--simulation", json, "--out", fromSim);

        var dbFigures = Vrec.ReadJson(Path.ChangeExtension(fromDb, ".json"));
        var simFigures = Vrec.ReadJson(Path.ChangeExtension(fromSim, ".json"));
        Assert.Equal("popularity", (string?)dbFigures["control"]);
        Assert.Equal("popularity", (string?)simFigures["control"]); // the first arm without a 'control' arm
        foreach (var arm in new[] { "popularity", "pipeline" })
        {
            // The same impressions and events: the log joined by request id gives the simulator's own counts.
            Assert.Equal((long)simFigures["arms"]![arm]!["clicks"]!, (long)dbFigures["arms"]![arm]!["clicks"]!);
            Assert.Equal((long)simFigures["arms"]![arm]!["impressions"]!, (long)dbFigures["arms"]![arm]!["impressions"]!);
        }

        var relative = (double)dbFigures["arms"]!["pipeline"]!["ctr_relative"]!;
        var pipelineCtr = (double)dbFigures["arms"]!["pipeline"]!["ctr"]!;
        var popularityCtr = (double)dbFigures["arms"]!["popularity"]!["ctr"]!;
        Assert.Equal(pipelineCtr / popularityCtr - 1, relative, 9);
        Assert.Null(dbFigures["arms"]!["popularity"]!["ctr_relative"]);

        var html = File.ReadAllText(fromDb);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Equal(3, html.Split("<svg ").Length - 1); // CTR, watch time per user, completion rate
        Assert.Contains("<td>pipeline</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_is_named()
    {
        Assert.Equal("give exactly one of --db and --simulation.", await Vrec.FailsWithBadInputAsync("report", "--out", _temp["r.html"]));
        Assert.Equal($"--out: {_temp["r.txt"]} must end in .html (the JSON figures are written next to it).",
            await Vrec.FailsWithBadInputAsync("report", "--simulation", _temp["x.json"], "--out", _temp["r.txt"]));
        File.WriteAllText(_temp["bad.json"], "{\"arms\": {\"a\": {\"ctr\": 0.1}}}");
        Assert.Equal($"--simulation: {_temp["bad.json"]} is not the --json of vrec simulate (arms with ctr, impressions and clicks).",
            await Vrec.FailsWithBadInputAsync("report", "--simulation", _temp["bad.json"], "--out", _temp["r.html"]));
    }

    [Fact]
    public async Task An_unknown_control_arm_is_named()
    {
        var (_, json) = await SimulateAsync();

        Assert.Equal("--control: no arm 'treatment'; the arms are popularity, pipeline.",
            await Vrec.FailsWithBadInputAsync("report", "--simulation", json, "--control", "treatment", "--out", _temp["r.html"]));
    }
}

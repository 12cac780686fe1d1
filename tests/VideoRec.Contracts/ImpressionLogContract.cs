using VideoRec.Core.Online;

namespace VideoRec.Contracts;

/// <summary>The behaviour every <see cref="IImpressionLog"/> owes its callers; derive and implement <see cref="CreateLog"/>.</summary>
public abstract class ImpressionLogContract
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A new, empty log.</summary>
    protected abstract IImpressionLog CreateLog();

    private static CancellationToken None => CancellationToken.None;

    private static Impression Served(string request, string user, DateTimeOffset at, params string[] videos) =>
        new(request, user, "m-2026-03-01", "treatment", at,
            videos.Select((v, i) => new ImpressionItem(v, i, 1.0 / (i + 1), i == 0 ? ["wals", "popular"] : ["popular"])).ToArray());

    [Fact]
    public async Task Log_then_get_round_trips_every_field()
    {
        var log = CreateLog();
        var impression = Served("req-1", "u1", T0.AddTicks(1234567), "v1", "v2", "v3");

        Assert.True(await log.LogAsync(impression, None));
        var read = await log.GetAsync("req-1", None);

        Assert.NotNull(read);
        Assert.Equal(("req-1", "u1", "m-2026-03-01", "treatment", T0.AddTicks(1234567)), (read.RequestId, read.UserId, read.ModelVersion, read.Arm, read.ServedAt));
        Assert.Equal(["v1/0/1/wals+popular", "v2/1/0.5/popular", "v3/2/0.3333333333333333/popular"],
            read.Items.Select(i => $"{i.VideoId}/{i.Position}/{i.Score.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{string.Join("+", i.Sources)}"));
        Assert.Null(await log.GetAsync("req-2", None));
    }

    [Fact]
    public async Task Logging_a_request_id_twice_keeps_the_first()
    {
        var log = CreateLog();
        Assert.True(await log.LogAsync(Served("req-1", "u1", T0, "v1"), None));

        Assert.False(await log.LogAsync(Served("req-1", "u1", T0.AddMinutes(5), "v9"), None));

        var read = await log.GetAsync("req-1", None);
        Assert.Equal(T0, read!.ServedAt);
        Assert.Equal(["v1"], read.Items.Select(i => i.VideoId));
        Assert.Single(await log.ListAsync(T0.AddDays(-1), T0.AddDays(1), None));
    }

    [Fact]
    public async Task List_returns_the_half_open_range_in_time_then_request_order()
    {
        var log = CreateLog();
        await log.LogAsync(Served("c", "u1", T0.AddMinutes(10), "v1"), None);
        await log.LogAsync(Served("b", "u2", T0, "v1"), None);
        await log.LogAsync(Served("a", "u3", T0, "v2"), None);
        await log.LogAsync(Served("d", "u1", T0.AddMinutes(20), "v3"), None);

        var listed = await log.ListAsync(T0, T0.AddMinutes(20), None);

        Assert.Equal(["a", "b", "c"], listed.Select(i => i.RequestId));
    }

    [Fact]
    public async Task An_invalid_impression_is_refused_naming_the_field()
    {
        var log = CreateLog();
        var bad = Served("req/1", "u1", T0, "v1", "v1");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => log.LogAsync(bad, None));

        Assert.Contains("requestId", error.Message, StringComparison.Ordinal);
        Assert.Contains("items[1].videoId 'v1' is listed twice", error.Message, StringComparison.Ordinal);
        Assert.Null(await log.GetAsync("req/1", None));
    }
}

using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VideoRec.Core.Domain;
using VideoRec.Core.Ingestion;

namespace VideoRec.Local.Sqlite;

/// <summary>
/// The embedded feature store: raw events keyed by event id (so re-applying one is a no-op), user aggregates and
/// video statistics as JSON documents, user vectors as float blobs, the catalogue and profiles, and deletion
/// tombstones, in one SQLite file. <see cref="ApplyAsync"/> runs as one transaction: a crash leaves either all of a
/// batch or none of it.
/// </summary>
/// <param name="database">The database.</param>
public sealed class SqliteFeatureStore(SqliteDatabase database) : IFeatureStore, VideoRec.Core.Serving.Recommend.IActivityFeed
{
    private static readonly JsonSerializerOptions Json = StoreJson.Default.Options;

    /// <summary>The user id of event rows whose user deleted their data (not a valid id, so never a real user).</summary>
    private const string ScrubbedUser = "";

    /// <inheritdoc />
    public Task<ApplyResult> ApplyAsync(IReadOnlyList<IngestEvent> events, IngestionRules rules, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = database.InTransaction((connection, transaction) => Apply(connection, transaction, events, rules, cancellationToken), durable: false);
        database.MaybeCheckpoint(every: 8);
        return Task.FromResult(result);
    }

    private static ApplyResult Apply(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<IngestEvent> events, IngestionRules rules,
        CancellationToken cancellationToken)
    {
        var outcomes = new EventOutcome[events.Count];
        var tombstones = new Dictionary<string, long?>(StringComparer.Ordinal);
        using var tombstone = Prepared(connection, transaction, "SELECT deleted_at_ticks FROM deleted_users WHERE user_id = $user;", "$user");
        using var insert = Prepared(connection, transaction,
            "INSERT OR IGNORE INTO events(event_id, user_id, video_id, type, seconds, text, device, lat, lon, ticks) VALUES ($id, $user, $video, $type, $seconds, $text, $device, $lat, $lon, $ticks);",
            "$id", "$user", "$video", "$type", "$seconds", "$text", "$device", "$lat", "$lon", "$ticks");
        using var request = Prepared(connection, transaction, "INSERT OR IGNORE INTO event_requests(event_id, request_id) VALUES ($id, $request);", "$id", "$request");
        var applied = new List<IngestEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            ref var deletedAt = ref CollectionsMarshal.GetValueRefOrAddDefault(tombstones, e.UserId, out var known);
            if (!known)
            {
                tombstone.Parameters[0].Value = e.UserId;
                deletedAt = tombstone.ExecuteScalar() is long ticks ? ticks : null;
            }

            if (deletedAt is { } deleted && e.Timestamp.UtcTicks <= deleted)
            {
                outcomes[i] = EventOutcome.UserDeleted;
                continue;
            }

            Bind(insert, e.EventId, e.UserId, e.VideoId, (int)e.Type, e.Seconds, e.Text, e.Device, e.Location?.Latitude, e.Location?.Longitude, e.Timestamp.UtcTicks);
            if (insert.ExecuteNonQuery() == 1)
            {
                outcomes[i] = EventOutcome.Applied;
                applied.Add(e);
                if (e.RequestId is not null)
                {
                    Bind(request, e.EventId, e.RequestId);
                    request.ExecuteNonQuery();
                }
            }
            else
            {
                outcomes[i] = EventOutcome.Duplicate;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var options = rules.Options;
        var durations = Durations(connection, transaction, applied.Where(e => e.VideoId is not null).Select(e => e.VideoId!).Distinct(StringComparer.Ordinal));
        UpdateDocuments<UserAggregates>(connection, transaction, "user_aggregates", "user_id", applied.GroupBy(e => e.UserId, StringComparer.Ordinal),
            id => new UserAggregates { UserId = id }, (aggregates, e) => aggregates.Apply(e, options.RecentListLength), DocumentCodec.DecodeUser, DocumentCodec.Encode);
        UpdateVideoStatistics(connection, transaction, applied.Where(e => e.VideoId is not null).GroupBy(e => e.VideoId!, StringComparer.Ordinal), durations, options);

        if (rules.Vectors is not null)
        {
            using var mark = Prepared(connection, transaction, "INSERT OR IGNORE INTO vector_refresh(user_id) VALUES ($user);", "$user");
            foreach (var user in applied.Where(IngestionRules.ChangesFeedback).Select(e => e.UserId).Distinct(StringComparer.Ordinal))
            {
                mark.Parameters[0].Value = user;
                mark.ExecuteNonQuery();
            }
        }

        return new ApplyResult(outcomes);
    }

    /// <inheritdoc />
    public Task<int> RefreshVectorsAsync(IUserVectorRefresher refresher, int maxUsers, CancellationToken cancellationToken)
    {
        // Short transactions, so a client's enqueue never waits long for the write lock.
        const int usersPerTransaction = 64;
        var total = 0;
        while (total < maxUsers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var limit = Math.Min(usersPerTransaction, maxUsers - total);
            var refreshed = database.InTransaction((connection, transaction) => RefreshSome(connection, transaction, refresher, limit), durable: false);
            total += refreshed;
            if (refreshed < limit)
            {
                break;
            }
        }

        return Task.FromResult(total);
    }

    private static int RefreshSome(SqliteConnection connection, SqliteTransaction transaction, IUserVectorRefresher refresher, int limit)
    {
        var users = new List<string>();
        using (var pending = Command(connection, transaction, "SELECT user_id FROM vector_refresh ORDER BY user_id LIMIT $max;", ("$max", limit)))
        using (var reader = pending.ExecuteReader())
        {
            while (reader.Read())
            {
                users.Add(reader.GetString(0));
            }
        }

        using var done = Prepared(connection, transaction, "DELETE FROM vector_refresh WHERE user_id = $user;", "$user");
        foreach (var user in users)
        {
            var history = UserEvents(connection, transaction, user);
            var videos = history.Where(e => e.VideoId is not null).Select(e => e.VideoId!).Distinct(StringComparer.Ordinal);
            WriteVector(connection, transaction, user, history.Count == 0 ? null : refresher.Refresh(user, history, Durations(connection, transaction, videos)));
            done.Parameters[0].Value = user;
            done.ExecuteNonQuery();
        }

        return users.Count;
    }

    /// <summary>Users waiting for a vector refresh (for operators and benchmarks).</summary>
    public int PendingVectorRefreshes() => database.Run(connection =>
    {
        using var count = Command(connection, null, "SELECT count(*) FROM vector_refresh;");
        return Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    /// <inheritdoc />
    public Task<UserServingState> GetServingStateAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(database.Run(connection =>
    {
        var consumed = new List<string>();
        using (var videos = Command(connection, null,
            "SELECT DISTINCT video_id FROM events WHERE user_id = $user AND video_id IS NOT NULL AND type NOT IN ($impression, $search);",
            ("$user", userId), ("$impression", (int)InteractionType.Impression), ("$search", (int)InteractionType.Search)))
        using (var reader = videos.ExecuteReader())
        {
            while (reader.Read())
            {
                consumed.Add(reader.GetString(0));
            }
        }

        using var deleted = Command(connection, null, "SELECT deleted_at_ticks FROM deleted_users WHERE user_id = $user;", ("$user", userId));
        DateTimeOffset? deletedAt = deleted.ExecuteScalar() is long ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
        using var pending = Command(connection, null, "SELECT 1 FROM vector_refresh WHERE user_id = $user;", ("$user", userId));
        return new UserServingState(ReadVector(connection, userId), consumed, deletedAt, pending.ExecuteScalar() is not null);
    }));

    private static void UpdateDocuments<T>(SqliteConnection connection, SqliteTransaction transaction, string table, string key,
        IEnumerable<IGrouping<string, IngestEvent>> groups, Func<string, T> create, Action<T, IngestEvent> apply, Func<byte[], T> decode, Func<T, byte[]> encode)
    {
        using var read = Prepared(connection, transaction, $"SELECT data FROM {table} WHERE {key} = $id;", "$id");
        using var write = Prepared(connection, transaction, $"INSERT OR REPLACE INTO {table}({key}, data) VALUES ($id, $data);", "$id", "$data");
        foreach (var group in groups)
        {
            read.Parameters[0].Value = group.Key;
            var document = read.ExecuteScalar() is byte[] stored ? decode(stored) : create(group.Key);
            foreach (var e in group)
            {
                apply(document, e);
            }

            Bind(write, group.Key, encode(document));
            write.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Adds each video's statistics of this batch (computed by <see cref="VideoStatistics.Apply"/>) to its counters, and
    /// its hourly views to the hour rows, keeping only the trending window below the latest hour (the same rule as
    /// <see cref="VideoStatistics"/>, so the result is independent of arrival order).
    /// </summary>
    private static void UpdateVideoStatistics(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<IGrouping<string, IngestEvent>> groups,
        IReadOnlyDictionary<string, double> durations, IngestionOptions options)
    {
        using var counters = Prepared(connection, transaction, """
            INSERT INTO video_statistics(video_id, impressions, clicks, views, likes, dislikes, shares, comments, watch_ms, completions)
            VALUES ($id, $impressions, $clicks, $views, $likes, $dislikes, $shares, $comments, $watch, $completions)
            ON CONFLICT(video_id) DO UPDATE SET impressions = impressions + excluded.impressions, clicks = clicks + excluded.clicks,
                views = views + excluded.views, likes = likes + excluded.likes, dislikes = dislikes + excluded.dislikes, shares = shares + excluded.shares,
                comments = comments + excluded.comments, watch_ms = watch_ms + excluded.watch_ms, completions = completions + excluded.completions;
            """, "$id", "$impressions", "$clicks", "$views", "$likes", "$dislikes", "$shares", "$comments", "$watch", "$completions");
        using var latest = Prepared(connection, transaction, "SELECT max(hour) FROM video_hours WHERE video_id = $id;", "$id");
        using var hour = Prepared(connection, transaction,
            "INSERT INTO video_hours(video_id, hour, views) VALUES ($id, $hour, $views) ON CONFLICT(video_id, hour) DO UPDATE SET views = views + excluded.views;",
            "$id", "$hour", "$views");
        using var prune = Prepared(connection, transaction, "DELETE FROM video_hours WHERE video_id = $id AND hour <= $cut;", "$id", "$cut");
        foreach (var group in groups)
        {
            var delta = new VideoStatistics { VideoId = group.Key };
            double? duration = durations.TryGetValue(group.Key, out var d) ? d : null;
            foreach (var e in group)
            {
                delta.Apply(e, duration, options);
            }

            Bind(counters, group.Key, delta.Impressions, delta.Clicks, delta.Views, delta.Likes, delta.Dislikes, delta.Shares, delta.Comments,
                delta.WatchMilliseconds, delta.Completions);
            counters.ExecuteNonQuery();
            if (delta.HourlyViews.Count == 0)
            {
                continue;
            }

            latest.Parameters[0].Value = group.Key;
            var stored = latest.ExecuteScalar() is long max ? max : long.MinValue;
            var newest = Math.Max(stored, delta.HourlyViews.Keys.Last());
            var cut = newest - options.TrendingWindowHours;
            foreach (var (h, views) in delta.HourlyViews)
            {
                if (h > cut)
                {
                    Bind(hour, group.Key, h, views);
                    hour.ExecuteNonQuery();
                }
            }

            if (newest > stored)
            {
                Bind(prune, group.Key, cut);
                prune.ExecuteNonQuery();
            }
        }
    }

    private static void WriteVector(SqliteConnection connection, SqliteTransaction transaction, string user, UserVector? vector)
    {
        using var command = vector is null
            ? Command(connection, transaction, "DELETE FROM user_vectors WHERE user_id = $user;", ("$user", user))
            : Command(connection, transaction, "INSERT OR REPLACE INTO user_vectors(user_id, model_version, vector, as_of_ticks) VALUES ($user, $version, $vector, $asOf);",
                ("$user", user), ("$version", vector.ModelVersion), ("$vector", MemoryMarshal.AsBytes(vector.Vector.AsSpan()).ToArray()), ("$asOf", vector.AsOf.UtcTicks));
        command.ExecuteNonQuery();
    }

    private static Dictionary<string, double> Durations(SqliteConnection connection, SqliteTransaction? transaction, IEnumerable<string> videoIds)
    {
        var durations = new Dictionary<string, double>(StringComparer.Ordinal);
        using var read = Prepared(connection, transaction, "SELECT duration FROM videos WHERE video_id = $id AND duration IS NOT NULL;", "$id");
        foreach (var id in videoIds)
        {
            read.Parameters[0].Value = id;
            if (read.ExecuteScalar() is double duration)
            {
                durations[id] = duration;
            }
        }

        return durations;
    }

    private static bool HasRequestIds(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var probe = Command(connection, transaction, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'event_requests';");
        return probe.ExecuteScalar() is long n && n > 0;
    }

    private static List<IngestEvent> UserEvents(SqliteConnection connection, SqliteTransaction? transaction, string userId)
    {
        // A database created before request ids and opened read-only has no event_requests table (nothing creates it then).
        using var command = Command(connection, transaction, HasRequestIds(connection, transaction)
            ? "SELECT e.event_id, e.video_id, e.type, e.seconds, e.text, e.device, e.lat, e.lon, e.ticks, r.request_id FROM events e " +
              "LEFT JOIN event_requests r ON r.event_id = e.event_id WHERE e.user_id = $user ORDER BY e.ticks, e.event_id;"
            : "SELECT event_id, video_id, type, seconds, text, device, lat, lon, ticks, NULL FROM events WHERE user_id = $user ORDER BY ticks, event_id;",
            ("$user", userId));
        using var reader = command.ExecuteReader();
        var events = new List<IngestEvent>();
        while (reader.Read())
        {
            events.Add(new IngestEvent(reader.GetString(0), userId, reader.IsDBNull(1) ? null : reader.GetString(1), (InteractionType)reader.GetInt32(2),
                new DateTimeOffset(reader.GetInt64(8), TimeSpan.Zero))
            {
                Seconds = reader.IsDBNull(3) ? null : reader.GetDouble(3),
                Text = reader.IsDBNull(4) ? null : reader.GetString(4),
                Device = reader.IsDBNull(5) ? null : reader.GetString(5),
                Location = reader.IsDBNull(6) ? null : new GeoLocation(reader.GetDouble(6), reader.GetDouble(7)),
                RequestId = reader.IsDBNull(9) ? null : reader.GetString(9),
            });
        }

        return events;
    }

    /// <inheritdoc />
    public Task<UserAggregates?> GetUserAggregatesAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(ReadBinary("user_aggregates", "user_id", userId, DocumentCodec.DecodeUser));

    /// <inheritdoc />
    public Task<VideoStatistics?> GetVideoStatisticsAsync(string videoId, CancellationToken cancellationToken) => Task.FromResult(database.Run(connection =>
    {
        using var counters = Command(connection, null,
            "SELECT impressions, clicks, views, likes, dislikes, shares, comments, watch_ms, completions FROM video_statistics WHERE video_id = $id;", ("$id", videoId));
        using var reader = counters.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var statistics = Counters(reader, 0, videoId);
        using var hours = Command(connection, null, "SELECT hour, views FROM video_hours WHERE video_id = $id ORDER BY hour;", ("$id", videoId));
        using var rows = hours.ExecuteReader();
        while (rows.Read())
        {
            statistics.HourlyViews[rows.GetInt64(0)] = rows.GetInt64(1);
        }

        return (VideoStatistics?)statistics;
    }));

    /// <inheritdoc />
    public Task<IReadOnlyList<VideoStatistics>> ReadVideoStatisticsAsync(DateTimeOffset hourlyFrom, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<VideoStatistics>>(database.Run(connection =>
        {
            var all = new Dictionary<string, VideoStatistics>(StringComparer.Ordinal);
            using (var counters = Command(connection, null,
                "SELECT video_id, impressions, clicks, views, likes, dislikes, shares, comments, watch_ms, completions FROM video_statistics;"))
            using (var reader = counters.ExecuteReader())
            {
                while (reader.Read())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var id = reader.GetString(0);
                    all[id] = Counters(reader, 1, id);
                }
            }

            var fromHour = hourlyFrom == DateTimeOffset.MinValue ? long.MinValue : hourlyFrom.ToUnixTimeMilliseconds() / 3_600_000;
            using var hours = Command(connection, null, "SELECT video_id, hour, views FROM video_hours WHERE hour >= $from;", ("$from", fromHour));
            using var rows = hours.ExecuteReader();
            while (rows.Read())
            {
                if (all.TryGetValue(rows.GetString(0), out var statistics))
                {
                    statistics.HourlyViews[rows.GetInt64(1)] = rows.GetInt64(2);
                }
            }

            return all.Values.ToList();
        }));

    /// <inheritdoc />
    public Task<IReadOnlyList<Video>> ReadFlaggedVideosAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Video>>(database.Run(connection =>
        {
            // Flags are written only when set (false and null are left out of the JSON), so a text match finds the candidates.
            using var query = Command(connection, null,
                "SELECT json FROM videos WHERE json LIKE '%\"hidden\":true%' OR json LIKE '%\"misinformation\":true%' OR json LIKE '%\"duplicateGroup\":%';");
            using var reader = query.ExecuteReader();
            var flagged = new List<Video>();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (JsonSerializer.Deserialize<Video>(reader.GetString(0), Json) is { } video && (video.Hidden || video.Misinformation || video.DuplicateGroup is not null))
                {
                    flagged.Add(video);
                }
            }

            return flagged;
        }));

    /// <inheritdoc />
    public Task<IReadOnlyList<IngestEvent>> GetUserEventsAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IngestEvent>>(database.Run(connection => UserEvents(connection, null, userId)));

    /// <inheritdoc />
    public Task<UserVector?> GetUserVectorAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(database.Run(connection => ReadVector(connection, userId)));

    private static UserVector? ReadVector(SqliteConnection connection, string userId)
    {
        using var command = Command(connection, null, "SELECT model_version, vector, as_of_ticks FROM user_vectors WHERE user_id = $user;", ("$user", userId));
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new UserVector(reader.GetString(0), MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(1)).ToArray(), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero))
            : null;
    }

    /// <inheritdoc />
    public Task<UpsertOutcome> UpsertVideoAsync(Video video, CancellationToken cancellationToken) => Task.FromResult(database.InTransaction((connection, transaction) =>
    {
        using var exists = Command(connection, transaction, "SELECT 1 FROM videos WHERE video_id = $id;", ("$id", video.Id));
        var outcome = exists.ExecuteScalar() is null ? UpsertOutcome.Created : UpsertOutcome.Updated;
        using var write = Command(connection, transaction, "INSERT OR REPLACE INTO videos(video_id, json, duration) VALUES ($id, $json, $duration);",
            ("$id", video.Id), ("$json", JsonSerializer.Serialize(video, Json)), ("$duration", video.DurationSeconds));
        write.ExecuteNonQuery();
        return outcome;
    }));

    /// <summary>
    /// Creates or replaces many catalogue entries in one transaction (a catalogue import), as many
    /// <see cref="UpsertVideoAsync"/> calls would.
    /// </summary>
    /// <returns>How many were new.</returns>
    public int UpsertVideos(IEnumerable<Video> videos) => database.InTransaction((connection, transaction) =>
    {
        ArgumentNullException.ThrowIfNull(videos);
        using var exists = Command(connection, transaction, "SELECT 1 FROM videos WHERE video_id = $id;", ("$id", ""));
        using var write = Command(connection, transaction, "INSERT OR REPLACE INTO videos(video_id, json, duration) VALUES ($id, $json, $duration);",
            ("$id", ""), ("$json", ""), ("$duration", null));
        var created = 0;
        foreach (var video in videos)
        {
            exists.Parameters["$id"].Value = video.Id;
            created += exists.ExecuteScalar() is null ? 1 : 0;
            write.Parameters["$id"].Value = video.Id;
            write.Parameters["$json"].Value = JsonSerializer.Serialize(video, Json);
            write.Parameters["$duration"].Value = (object?)video.DurationSeconds ?? DBNull.Value;
            write.ExecuteNonQuery();
        }

        return created;
    });

    /// <summary>Every catalogue entry's title, by video id (for displaying search results).</summary>
    public IReadOnlyDictionary<string, string> VideoTitles() => database.Run(connection =>
    {
        using var select = SqliteDatabase.Command(connection, "SELECT video_id, json FROM videos;");
        using var reader = select.ExecuteReader();
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            titles[reader.GetString(0)] = JsonSerializer.Deserialize<Video>(reader.GetString(1), Json)?.Title ?? "";
        }

        return titles;
    });

    /// <inheritdoc />
    public Task<Video?> GetVideoAsync(string videoId, CancellationToken cancellationToken) =>
        Task.FromResult(ReadDocument<Video>("videos", "video_id", videoId));

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, double>> GetVideoDurationsAsync(IReadOnlyCollection<string> videoIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, double>>(database.Run(connection => Durations(connection, null, videoIds)));

    /// <inheritdoc />
    public Task<UpsertOutcome> UpsertUserAsync(UserProfile profile, CancellationToken cancellationToken) => Task.FromResult(database.InTransaction((connection, transaction) =>
    {
        using var exists = Command(connection, transaction, "SELECT 1 FROM users WHERE user_id = $id;", ("$id", profile.Id));
        var outcome = exists.ExecuteScalar() is null ? UpsertOutcome.Created : UpsertOutcome.Updated;
        using var write = Command(connection, transaction, "INSERT OR REPLACE INTO users(user_id, json) VALUES ($id, $json);",
            ("$id", profile.Id), ("$json", JsonSerializer.Serialize(profile, Json)));
        write.ExecuteNonQuery();
        return outcome;
    }));

    /// <inheritdoc />
    public Task<UserProfile?> GetUserAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(ReadDocument<UserProfile>("users", "user_id", userId));

    /// <inheritdoc />
    public Task<bool> DeleteUserAsync(string userId, DateTimeOffset deletedAt, CancellationToken cancellationToken) => Task.FromResult(database.InTransaction((connection, transaction) =>
    {
        // Event rows keep only their id and time (no user, video or content), so a redelivered event stays a duplicate
        // and can never count twice in the video statistics.
        using (var forget = Command(connection, transaction,
            "DELETE FROM event_requests WHERE event_id IN (SELECT event_id FROM events WHERE user_id = $user);", ("$user", userId)))
        {
            forget.ExecuteNonQuery();
        }

        using var scrub = Command(connection, transaction,
            "UPDATE events SET user_id = $scrubbed, video_id = NULL, seconds = NULL, text = NULL, device = NULL, lat = NULL, lon = NULL WHERE user_id = $user;",
            ("$scrubbed", ScrubbedUser), ("$user", userId));
        var removed = scrub.ExecuteNonQuery();
        foreach (var table in new[] { "user_aggregates", "user_vectors", "users", "vector_refresh" })
        {
            using var delete = Command(connection, transaction, $"DELETE FROM {table} WHERE user_id = $user;", ("$user", userId));
            removed += delete.ExecuteNonQuery();
        }

        using var tombstone = Command(connection, transaction,
            "INSERT INTO deleted_users(user_id, deleted_at_ticks) VALUES ($user, $at) ON CONFLICT(user_id) DO UPDATE SET deleted_at_ticks = max(deleted_at_ticks, excluded.deleted_at_ticks);",
            ("$user", userId), ("$at", deletedAt.UtcTicks));
        tombstone.ExecuteNonQuery();
        return removed > 0;
    }));

    private T? ReadBinary<T>(string table, string key, string id, Func<byte[], T> decode) where T : class => database.Run(connection =>
    {
        using var command = Command(connection, null, $"SELECT data FROM {table} WHERE {key} = $id;", ("$id", id));
        return command.ExecuteScalar() is byte[] data ? decode(data) : null;
    });

    private T? ReadDocument<T>(string table, string key, string id) where T : class => database.Run(connection =>
    {
        using var command = Command(connection, null, $"SELECT json FROM {table} WHERE {key} = $id;", ("$id", id));
        return command.ExecuteScalar() is string json ? JsonSerializer.Deserialize<T>(json, Json) : null;
    });

    /// <summary>The counters of a <c>video_statistics</c> row read from column <paramref name="first"/> on (impressions … completions).</summary>
    private static VideoStatistics Counters(SqliteDataReader reader, int first, string videoId) => new()
    {
        VideoId = videoId,
        Impressions = reader.GetInt64(first),
        Clicks = reader.GetInt64(first + 1),
        Views = reader.GetInt64(first + 2),
        Likes = reader.GetInt64(first + 3),
        Dislikes = reader.GetInt64(first + 4),
        Shares = reader.GetInt64(first + 5),
        Comments = reader.GetInt64(first + 6),
        WatchMilliseconds = reader.GetInt64(first + 7),
        Completions = reader.GetInt64(first + 8),
    };

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = SqliteDatabase.Command(connection, sql, parameters);
        command.Transaction = transaction;
        return command;
    }

    private static SqliteCommand Prepared(SqliteConnection connection, SqliteTransaction? transaction, string sql, params string[] names)
    {
        var command = Command(connection, transaction, sql, names.Select(n => (n, (object?)null)).ToArray());
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}

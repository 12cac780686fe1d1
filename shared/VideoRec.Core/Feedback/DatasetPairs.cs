using VideoRec.Core.Domain;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Feedback;

/// <summary>A dataset folded into pairs, with the catalogue facts the labels need, aligned by video index.</summary>
/// <param name="Name">Dataset name.</param>
/// <param name="Table">Pairs with user and video indices; every catalogue video has an index even without interactions.</param>
/// <param name="DurationSeconds">Length of each video by index, <c>null</c> when unknown.</param>
public sealed record DatasetPairs(string Name, PairTable Table, IReadOnlyList<double?> DurationSeconds)
{
    /// <summary>Folds <paramref name="dataset"/>: catalogue videos first (in catalogue order), then any video only the log names.</summary>
    public static DatasetPairs From(Dataset dataset)
    {
        var videos = new IdIndex(dataset.Videos.Keys);
        var table = PairTable.Build(dataset.Interactions, videos);
        var durations = new double?[table.Videos.Count];
        for (var v = 0; v < durations.Length; v++)
        {
            durations[v] = dataset.Videos.TryGetValue(table.Videos[v], out var video) ? video.DurationSeconds : null;
        }

        return new DatasetPairs(dataset.Name, table, durations);
    }
}

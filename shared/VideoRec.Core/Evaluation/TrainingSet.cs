using VideoRec.Core.Feedback;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Evaluation;

/// <summary>What a model factory gets to train on for one split and seed.</summary>
/// <param name="Pairs">The whole pair table (ids and indices; test pairs must not be read for training).</param>
/// <param name="Split">The split; train only on <see cref="DataSplit.Train"/>.</param>
/// <param name="Matrix">The training feedback matrix <c>[users, videos]</c>.</param>
/// <param name="DurationSeconds">Video lengths by index.</param>
/// <param name="Seed">The seed of this run.</param>
public sealed record TrainingSet(PairTable Pairs, DataSplit Split, SparseMatrix Matrix, IReadOnlyList<double?> DurationSeconds, int Seed);

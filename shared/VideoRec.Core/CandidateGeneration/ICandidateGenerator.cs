namespace VideoRec.Core.CandidateGeneration;

/// <summary>
/// One candidate generator (design, "Candidate generation"): proposes up to <c>count</c> videos for a request, best
/// first, each with its own score. Generators run concurrently, each under its own time budget
/// (<see cref="CandidateGenerationPipeline"/>); one that throws or overruns is skipped and reported.
/// </summary>
public interface ICandidateGenerator
{
    /// <summary>The source name carried as provenance (see <see cref="CandidateSources"/>).</summary>
    string Name { get; }

    /// <summary>Proposes up to <paramref name="count"/> videos that pass the request's filter, best first.</summary>
    /// <param name="request">The request.</param>
    /// <param name="count">How many to propose, at least 1.</param>
    /// <param name="cancellationToken">Cancelled when the generator's budget runs out or the request is abandoned.</param>
    /// <returns>Distinct videos, descending score; empty when the source has nothing for this user (not an error).</returns>
    ValueTask<IReadOnlyList<Candidate>> GenerateAsync(CandidateRequest request, int count, CancellationToken cancellationToken);
}

using Polly;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Api.Resilience;

/// <summary>Wraps every index another provider creates in a <see cref="ResilientVectorIndex"/> (one breaker shared by the model's indexes).</summary>
/// <param name="inner">The provider.</param>
/// <param name="pipeline">The search pipeline.</param>
public sealed class ResilientIndexProvider(IServingIndexProvider inner, ResiliencePipeline pipeline) : IServingIndexProvider
{
    /// <inheritdoc />
    public IVideoVectorIndex Create(ServingIndexSpec spec) => new ResilientVectorIndex(inner.Create(spec), pipeline);
}

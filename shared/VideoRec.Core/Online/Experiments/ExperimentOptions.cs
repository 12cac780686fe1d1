using VideoRec.Core.Domain;

namespace VideoRec.Core.Online;

/// <summary>
/// An A/B experiment (configuration section <c>VideoRec:Experiment</c>): a name and its arms with traffic splits.
/// <see cref="Validate"/> names every bad setting.
/// </summary>
public sealed class ExperimentOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "VideoRec:Experiment";

    /// <summary>The experiment's name; it salts the assignment hash, so experiments assign users independently.</summary>
    public string Name { get; set; } = "";

    /// <summary>The arms, in bucket order.</summary>
    public List<ExperimentArm> Arms { get; set; } = [];

    /// <summary>Every problem, each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (EntityIds.Check(Name) != IdProblem.None)
        {
            errors.Add(EntityIds.Describe(EntityIds.Check(Name), nameof(Name)));
        }

        if (Arms is null || Arms.Count == 0)
        {
            errors.Add($"{nameof(Arms)} must list at least one arm.");
            return errors;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var total = 0.0;
        for (var i = 0; i < Arms.Count; i++)
        {
            var arm = Arms[i];
            var at = $"{nameof(Arms)}:{i}";
            if (arm is null)
            {
                errors.Add($"{at} is empty.");
                continue;
            }

            if (EntityIds.Check(arm.Name) is var problem && problem != IdProblem.None)
            {
                errors.Add(EntityIds.Describe(problem, $"{at}:{nameof(arm.Name)}"));
            }
            else if (!names.Add(arm.Name))
            {
                errors.Add($"{at}:{nameof(arm.Name)} '{arm.Name}' is used by another arm.");
            }

            if (!(arm.Traffic is > 0 and <= 1))
            {
                errors.Add($"{at}:{nameof(arm.Traffic)} must be in (0, 1] (found {arm.Traffic}).");
            }
            else
            {
                total += arm.Traffic;
            }

            if (arm.Pipeline is null || !ArmPolicies.All.Contains(arm.Pipeline.Policy))
            {
                errors.Add($"{at}:{nameof(arm.Pipeline)}:{nameof(ArmPipeline.Policy)} must be one of {string.Join(", ", ArmPolicies.All)} (found '{arm.Pipeline?.Policy}').");
            }
            else
            {
                if (arm.Pipeline.Rerank?.Validate() is { Count: > 0 } rerank)
                {
                    errors.AddRange(rerank.Select(e => $"{at}:{nameof(arm.Pipeline)}:{nameof(ArmPipeline.Rerank)}: {e}"));
                }

                if (arm.Pipeline.Sources is { } sources &&
                    new CandidateGeneration.CandidateGenerationOptions { Sources = sources }.Validate() is { Count: > 0 } generation)
                {
                    errors.AddRange(generation.Select(e => $"{at}:{nameof(arm.Pipeline)}:{e}"));
                }
            }
        }

        if (errors.Count == 0 && Math.Abs(total - 1) > 1e-9)
        {
            errors.Add($"The {nameof(ExperimentArm.Traffic)} of the arms adds up to {total:0.######}; it must be 1.");
        }

        return errors;
    }

    /// <summary>Throws when <see cref="Validate"/> finds a problem.</summary>
    /// <exception cref="ArgumentException">Every problem, one per line.</exception>
    public ExperimentOptions EnsureValid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new ArgumentException("Invalid experiment settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }
}

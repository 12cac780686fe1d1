using VideoRec.Core.Online;

namespace VideoRec.Core.Tests.Online;

public sealed class ExperimentAssignmentTests
{
    private static ExperimentOptions Experiment(string name, params (string Arm, double Traffic)[] arms) => new()
    {
        Name = name,
        Arms = arms.Select(a => new ExperimentArm { Name = a.Arm, Traffic = a.Traffic }).ToList(),
    };

    [Fact]
    public void The_bucket_is_SHA256_of_name_LF_user_and_stable()
    {
        // First 8 bytes of SHA-256("homepage-2026\nu42") big-endian mod 10,000, computed independently (Python hashlib).
        Assert.Equal(2630, ExperimentAssignment.Bucket("homepage-2026", "u42"));
        Assert.Equal(4706, ExperimentAssignment.Bucket("x", "y"));
        var assignment = new ExperimentAssignment(Experiment("homepage-2026", ("control", 0.5), ("treatment", 0.5)));
        Assert.Equal(assignment.Assign("u42").Name, new ExperimentAssignment(Experiment("homepage-2026", ("control", 0.5), ("treatment", 0.5))).Assign("u42").Name);
        Assert.Equal("control", assignment.Assign("u42").Name); // bucket 2630 < 5000
    }

    [Fact]
    public void Splits_hold_within_one_point_on_100k_users()
    {
        var assignment = new ExperimentAssignment(Experiment("split", ("a", 0.5), ("b", 0.3), ("c", 0.2)));

        var counts = Enumerable.Range(0, 100_000).Select(i => assignment.Assign($"user-{i}").Name).CountBy(n => n).ToDictionary();

        // σ of a share at n = 100k is at most 0.0016: 0.01 is six of them.
        Assert.Equal(0.5, counts["a"] / 100_000.0, 0.01);
        Assert.Equal(0.3, counts["b"] / 100_000.0, 0.01);
        Assert.Equal(0.2, counts["c"] / 100_000.0, 0.01);
    }

    [Fact]
    public void Experiments_with_different_names_assign_independently()
    {
        var first = new ExperimentAssignment(Experiment("exp-1", ("a", 0.5), ("b", 0.5)));
        var second = new ExperimentAssignment(Experiment("exp-2", ("a", 0.5), ("b", 0.5)));

        var joint = Enumerable.Range(0, 100_000).Select(i => $"user-{i}").CountBy(u => first.Assign(u).Name + second.Assign(u).Name).ToDictionary();

        Assert.Equal(4, joint.Count);
        Assert.All(joint.Values, c => Assert.Equal(0.25, c / 100_000.0, 0.01));
    }

    [Fact]
    public void Bad_settings_are_named()
    {
        var options = Experiment("exp", ("a", 0.5), ("a", 0.4), ("c", 0));
        options.Arms[2].Pipeline.Policy = "random";

        var errors = options.Validate();

        Assert.Equal(
        [
            "Arms:1:Name 'a' is used by another arm.",
            "Arms:2:Traffic must be in (0, 1] (found 0).",
            "Arms:2:Pipeline:Policy must be one of pipeline, wals, popularity (found 'random').",
        ], errors);
        Assert.Equal(["The Traffic of the arms adds up to 0.9; it must be 1."], Experiment("exp", ("a", 0.5), ("b", 0.4)).Validate());
        Assert.Throws<ArgumentException>(() => new ExperimentAssignment(Experiment("", ("a", 1))));
    }
}

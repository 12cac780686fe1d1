using VideoRec.Core.CandidateGeneration;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Weighted round robin with quotas, provenance and exclusions, on hand-worked examples.</summary>
public sealed class CandidateMergerTests
{
    /// <summary>A source's list: ids best first, scores 1, 0.9, 0.8, …</summary>
    private static (string Source, IReadOnlyList<Candidate> Candidates) L(string source, params string[] ids) =>
        (source, ids.Select((id, i) => new Candidate(id, 1f - 0.1f * i, source)).ToArray());

    private static Dictionary<string, double> Q(params (string Source, double Quota)[] quotas) =>
        quotas.ToDictionary(q => q.Source, q => q.Quota);

    private static readonly Dictionary<string, double> FiveThreeTwo = Q(("A", 0.5), ("B", 0.3), ("C", 0.2));

    [Fact]
    public void ThreeSources_HandWorkedOrder()
    {
        // Each step picks the smallest (taken + 1) / quota; ties go to the source listed first.
        //  step  A(0.5)  B(0.3)  C(0.2)  pick
        //   1     2      3.33    5       A a1
        //   2     4      3.33    5       B b1
        //   3     4      6.67    5       A a2
        //   4     6      6.67    5       C c1
        //   5     6      6.67    10      A a3
        //   6     8      6.67    10      B b2
        //   7     8      10      10      A a4
        //   8     10     10      10      A a5 (three-way tie → first listed)
        //   9     12     10      10      B b3 (tie with C → B)
        //  10     12     13.33   10      C c2
        var merged = CandidateMerger.Merge(
            [L("A", "a1", "a2", "a3", "a4", "a5", "a6", "a7"), L("B", "b1", "b2", "b3", "b4", "b5"), L("C", "c1", "c2", "c3", "c4")],
            FiveThreeTwo, 10);

        Assert.Equal(["a1", "b1", "a2", "c1", "a3", "b2", "a4", "a5", "b3", "c2"], merged.Select(m => m.VideoId));
        Assert.Equal(Enumerable.Range(0, 10), merged.Select(m => m.Position));
        Assert.Equal(["A", "B", "A", "C", "A", "B", "A", "A", "B", "C"], merged.Select(m => m.Sources.Single().Source));

        // Provenance keeps the source's own score and rank: b3 is B's third (rank 2, score 0.8).
        Assert.Equal(new CandidateProvenance("B", 0.8f, 2), merged[8].Sources[0]);
        Assert.Equal(0.8f, merged[8].ScoreFrom("B"));
        Assert.Null(merged[8].ScoreFrom("A"));
    }

    [Fact]
    public void DuplicatesAcrossSources_BecomeOneCandidate_WithChooserFirstThenSourceOrder()
    {
        // A: a1, d; B: d, b2; C: c1, d.
        // 1: A(2) picks a1. 2: B(3.33) picks d. 3: A(4) < C(5): A's next is d, already taken → A is out; C picks c1.
        // 4: B(6.67) picks b2. Nothing left.
        var merged = CandidateMerger.Merge([L("A", "a1", "d"), L("B", "d", "b2"), L("C", "c1", "d")], FiveThreeTwo, 10);

        Assert.Equal(["a1", "d", "c1", "b2"], merged.Select(m => m.VideoId));
        var d = merged[1];
        // Chosen by B (its rank 0, score 1), then A (rank 1, score 0.9), then C (rank 1, score 0.9).
        Assert.Equal([new CandidateProvenance("B", 1f, 0), new CandidateProvenance("A", 0.9f, 1), new CandidateProvenance("C", 0.9f, 1)], d.Sources);
        Assert.Equal(0.9f, d.ScoreFrom("C"));
    }

    [Fact]
    public void DuplicateChosenByTheFirstSource_KeepsSourceOrder()
    {
        // x is first in every list; A picks it at step 1 → provenance A, B, C.
        var merged = CandidateMerger.Merge([L("A", "x", "a2"), L("B", "y", "x"), L("C", "x", "z")], FiveThreeTwo, 10);

        Assert.Equal(["x", "y", "a2", "z"], merged.Select(m => m.VideoId));
        Assert.Equal(["A", "B", "C"], merged[0].Sources.Select(s => s.Source));
        Assert.Equal([0, 1, 0], merged[0].Sources.Select(s => s.Rank));
    }

    [Fact]
    public void RepeatedVideoWithinOneList_CountsOnce()
    {
        var merged = CandidateMerger.Merge([L("A", "a", "a", "b")], Q(("A", 1.0)), 10);

        Assert.Equal(["a", "b"], merged.Select(m => m.VideoId));
        Assert.Equal(new CandidateProvenance("A", 1f, 0), merged[0].Sources.Single());
        Assert.Equal(new CandidateProvenance("A", 0.8f, 2), merged[1].Sources.Single()); // b keeps its own rank 2
    }

    [Fact]
    public void EachSource_GetsAtLeastFloorOfQuotaTimesCount_WhenItHasEnoughVideos()
    {
        // 0.45 / 0.35 / 0.2 of 17 = 7.65 / 5.95 / 3.4 → at least 7, 5 and 3 (disjoint lists of 17 each).
        var lists = new[] { ("A", 17), ("B", 17), ("C", 17) }
            .Select(s => L(s.Item1, Enumerable.Range(0, s.Item2).Select(i => $"{s.Item1}{i}").ToArray())).ToArray();
        var merged = CandidateMerger.Merge(lists, Q(("A", 0.45), ("B", 0.35), ("C", 0.2)), 17);

        var taken = merged.CountBy(m => m.Sources[0].Source).ToDictionary();
        Assert.Equal(17, merged.Count);
        Assert.True(taken["A"] >= 7, $"A took {taken["A"]}");
        Assert.True(taken["B"] >= 5, $"B took {taken["B"]}");
        Assert.True(taken["C"] >= 3, $"C took {taken["C"]}");
    }

    [Fact]
    public void LowerQuota_HoldsOnSeededRandomQuotasCountsAndOverlaps()
    {
        var random = new Random(4242);
        for (var trial = 0; trial < 300; trial++)
        {
            // Quotas on a 0.05 grid adding up to at most 1; lists long enough for every source; some overlap.
            var sources = random.Next(1, 5);
            var quotas = new Dictionary<string, double>();
            var left = 20;
            for (var s = 0; s < sources; s++)
            {
                var units = random.Next(0, left + 1);
                quotas[$"s{s}"] = units * 0.05;
                left -= units;
            }

            var count = random.Next(1, 60);
            var lists = quotas.Keys.Select(s => L(s, Enumerable.Range(0, count).Select(i => $"{s}-{i}").ToArray())).ToArray();
            var merged = CandidateMerger.Merge(lists, quotas, count);

            Assert.Equal(count, merged.Count);
            Assert.Equal(count, merged.Select(m => m.VideoId).Distinct().Count());
            foreach (var (source, quota) in quotas)
            {
                var taken = merged.Count(m => m.Sources[0].Source == source);
                var floor = (int)Math.Floor(quota * count + 1e-9);
                Assert.True(taken >= floor, $"trial {trial}: {source} quota {quota} count {count} took {taken} < {floor}");
            }
        }
    }

    [Fact]
    public void SourceRunningOut_OthersFillItsSlots()
    {
        // A has only 2 videos.
        //  step  A(0.5)  B(0.3)  C(0.2)  pick
        //   1     2      3.33    5       a1
        //   2     4      3.33    5       b1
        //   3     4      6.67    5       a2 (A now empty)
        //   4     –      6.67    5       c1
        //   5     –      6.67    10      b2
        //   6     –      10      10      b3 (tie → B)
        //   7     –      13.33   10      c2
        //   8     –      13.33   15      b4
        //   9     –      16.67   15      c3
        //  10     –      16.67   20      b5
        var merged = CandidateMerger.Merge(
            [L("A", "a1", "a2"), L("B", "b1", "b2", "b3", "b4", "b5", "b6", "b7"), L("C", "c1", "c2", "c3", "c4", "c5")],
            FiveThreeTwo, 10);

        Assert.Equal(["a1", "b1", "a2", "c1", "b2", "b3", "c2", "b4", "c3", "b5"], merged.Select(m => m.VideoId));
    }

    [Fact]
    public void ZeroQuotaSource_OnlyFillsLeftovers()
    {
        // Z is listed first and has quota 0 (and "M" is missing from the quotas, which also means 0): A's three go first.
        var merged = CandidateMerger.Merge([L("Z", "z1", "z2", "z3"), L("A", "a1", "a2", "a3"), L("M", "m1")], Q(("Z", 0), ("A", 1.0)), 6);

        // Then Z and M share the leftovers equally, Z first: z1, m1, z2.
        Assert.Equal(["a1", "a2", "a3", "z1", "m1", "z2"], merged.Select(m => m.VideoId));
    }

    [Fact]
    public void ZeroQuotaSource_NeverTakesASlotFromATinyPositiveQuota()
    {
        // A positive quota, however small, outranks quota 0: A's videos come first, Z only fills.
        var merged = CandidateMerger.Merge([L("Z", "z1", "z2"), L("A", "a1", "a2")], Q(("Z", 0), ("A", 1e-7)), 3);

        Assert.Equal(["a1", "a2", "z1"], merged.Select(m => m.VideoId));
    }

    [Fact]
    public void ExcludedVideos_AreDroppedFromEverySource()
    {
        var excluded = new HashSet<string> { "a1", "x" };
        var merged = CandidateMerger.Merge([L("A", "a1", "x", "a3"), L("B", "x", "b2")], Q(("A", 0.5), ("B", 0.5)), 10, excluded);

        // A: a3 (rank 2); B: b2 (rank 1). 1: A(2) = B(2) → A a3. 2: B b2.
        Assert.Equal(["a3", "b2"], merged.Select(m => m.VideoId));
        Assert.Equal(2, merged[0].Sources.Single().Rank);
        Assert.DoesNotContain(merged, m => excluded.Contains(m.VideoId));
    }

    [Fact]
    public void CountAboveDistinctVideos_ReturnsEveryDistinctVideoOnce()
    {
        var merged = CandidateMerger.Merge([L("A", "a", "b", "c"), L("B", "b", "d"), L("C")], FiveThreeTwo, 100);

        // 1: A a. 2: B b (shared). 3: A(4): next b taken → c. 4: B(6.67) d.
        Assert.Equal(["a", "b", "c", "d"], merged.Select(m => m.VideoId));
        Assert.Equal([0, 1, 2, 3], merged.Select(m => m.Position));
        Assert.Equal(["B", "A"], merged[1].Sources.Select(s => s.Source));
    }

    [Fact]
    public void CountCutsTheList_AndBadCountThrows()
    {
        var merged = CandidateMerger.Merge([L("A", "a1", "a2", "a3"), L("B", "b1")], Q(("A", 0.5), ("B", 0.5)), 2);

        Assert.Equal(["a1", "b1"], merged.Select(m => m.VideoId));
        Assert.Empty(CandidateMerger.Merge([], FiveThreeTwo, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => CandidateMerger.Merge([L("A", "a")], FiveThreeTwo, 0));
    }
}

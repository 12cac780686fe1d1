using VideoRec.Contracts;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Local.VectorIndex;

namespace VideoRec.VectorIndex.Tests;

/// <summary>Save and open: mapped and loaded, expansion re-applied, writes after a mapped open, damaged files.</summary>
public sealed class USearchPersistenceTests : IDisposable
{
    private const int Dimensions = 16;
    private readonly TempFolder _folder = new();
    private readonly List<IDisposable> _open = [];

    public void Dispose()
    {
        _open.ForEach(i => i.Dispose());
        _folder.Dispose();
    }

    [Theory]
    [InlineData(VectorMetric.InnerProduct)]
    [InlineData(VectorMetric.Cosine)]
    public void Mapped_and_loaded_opens_return_exactly_what_the_saved_index_returned(VectorMetric metric)
    {
        var (index, videos) = Build(metric, count: 2000);
        var deleted = videos.Take(50).Select(v => v.VideoId).ToArray();
        index.Delete(deleted);
        var directory = _folder.Sub("saved");
        index.Save(directory);
        var filter = new VectorSearchFilter { Language = "fr", ExcludedVideoIds = new HashSet<string> { "v100" } };
        var queries = SeededVectors.Gaussian(seed: 21, count: 20, Dimensions);

        var mapped = Track(USearchVectorIndex.Open(directory, IndexOpenMode.MemoryMapped));
        var loaded = Track(USearchVectorIndex.Open(directory, IndexOpenMode.Load));

        Assert.True(mapped.IsMemoryMapped);
        Assert.False(loaded.IsMemoryMapped);
        Assert.Equal((1950, metric, Dimensions), (mapped.Count, mapped.Metric, mapped.Dimensions));
        Assert.Equal(1950, loaded.Count);
        foreach (var query in queries)
        {
            foreach (var f in new[] { null, filter })
            {
                var expected = index.Search(query, 20, f);
                Assert.Equal(20, expected.Count);
                Assert.Equal(expected, mapped.Search(query, 20, f));
                Assert.Equal(expected, loaded.Search(query, 20, f));
                Assert.DoesNotContain(mapped.Search(query, 100, f), m => deleted.Contains(m.VideoId) || m.VideoId == "v7");
            }
        }
    }

    [Fact]
    public void The_search_expansion_is_applied_again_after_every_open()
    {
        var (index, _) = Build(VectorMetric.InnerProduct, count: 300, new UsearchIndexOptions { ExpansionSearch = 200, Threads = 2 });
        Assert.Equal(200, index.ExpansionSearch);
        index.Save(_folder.Sub("e"));

        var mapped = Track(USearchVectorIndex.Open(_folder.Sub("e"), IndexOpenMode.MemoryMapped, new UsearchIndexOptions { ExpansionSearch = 77 }));
        var loaded = Track(USearchVectorIndex.Open(_folder.Sub("e"), IndexOpenMode.Load, new UsearchIndexOptions { ExpansionSearch = 333 }));
        var defaults = Track(USearchVectorIndex.Open(_folder.Sub("e"), IndexOpenMode.Load));

        Assert.Equal(77, mapped.ExpansionSearch);
        Assert.Equal(333, loaded.ExpansionSearch);
        Assert.Equal(new UsearchIndexOptions().ExpansionSearch, defaults.ExpansionSearch);
        mapped.Upsert([new IndexedVideo("new", new float[Dimensions], VideoIndexAttributes.Unrestricted)]);
        Assert.Equal(77, mapped.ExpansionSearch); // still after the write loaded the mapped index
        loaded.ExpansionSearch = 64;
        Assert.Equal(64, loaded.ExpansionSearch);
        Assert.Throws<ArgumentOutOfRangeException>(() => loaded.ExpansionSearch = 0);
    }

    [Fact]
    public void The_first_write_after_a_mapped_open_loads_the_index_and_leaves_the_file_alone()
    {
        var (index, videos) = Build(VectorMetric.Cosine, count: 500);
        index.Save(_folder.Sub("m"));
        var mapped = Track(USearchVectorIndex.Open(_folder.Sub("m"), IndexOpenMode.MemoryMapped));
        var extra = new float[Dimensions];
        extra[0] = 1;

        Assert.Equal(0, mapped.Delete(["not-indexed"]));
        Assert.True(mapped.IsMemoryMapped); // a write that changes nothing does not load
        mapped.Upsert([new IndexedVideo("extra", extra, VideoIndexAttributes.Unrestricted)]);
        Assert.Equal(1, mapped.Delete(["v3"]));

        Assert.False(mapped.IsMemoryMapped);
        Assert.Equal(500, mapped.Count);
        Assert.Equal("extra", mapped.Search(extra, 1).Single().VideoId);
        Assert.Equal(1f, mapped.Search(extra, 1).Single().Score, 1e-5f);
        Assert.Equal(index.Search(videos[10].Vector.Span, 5).Select(m => m.VideoId).Where(id => id != "v3"),
            mapped.Search(videos[10].Vector.Span, 6).Select(m => m.VideoId).Where(id => id != "extra").Take(index.Search(videos[10].Vector.Span, 5).Count(m => m.VideoId != "v3")));
        var reopened = Track(USearchVectorIndex.Open(_folder.Sub("m"), IndexOpenMode.Load));
        Assert.Equal(500, reopened.Count);
        Assert.Equal("v3", reopened.Search(videos[3].Vector.Span, 1).Single().VideoId);
        var untouched = Track(USearchVectorIndex.Open(_folder.Sub("m"), IndexOpenMode.MemoryMapped));
        untouched.Save(_folder.Sub("copy")); // saving a mapped index writes what it maps
        Assert.Equal(reopened.Search(videos[9].Vector.Span, 10), Track(USearchVectorIndex.Open(_folder.Sub("copy"), IndexOpenMode.Load)).Search(videos[9].Vector.Span, 10));
    }

    [Theory]
    [InlineData(IndexOpenMode.MemoryMapped)]
    [InlineData(IndexOpenMode.Load)]
    public void An_empty_index_saves_opens_and_accepts_writes(IndexOpenMode mode)
    {
        var empty = Track(new USearchVectorIndex(Dimensions, VectorMetric.Cosine));
        empty.Save(_folder.Sub("empty"));

        var opened = Track(USearchVectorIndex.Open(_folder.Sub("empty"), mode));
        var vector = SeededVectors.Gaussian(seed: 60, count: 1, Dimensions)[0];

        Assert.Equal(0, opened.Count);
        Assert.Empty(opened.Search(vector, 10));
        opened.Upsert([new IndexedVideo("first", vector, VideoIndexAttributes.Unrestricted)]);
        Assert.Equal("first", opened.Search(vector, 10).Single().VideoId);
    }

    [Fact]
    public void A_damaged_sidecar_is_an_InvalidDataException_naming_the_file()
    {
        var (index, _) = Build(VectorMetric.InnerProduct, count: 100);
        index.Save(_folder.Sub("d"));
        var sidecar = Path.Combine(_folder.Sub("d"), USearchVectorIndex.SidecarFileName);
        var bytes = File.ReadAllBytes(sidecar);

        File.WriteAllBytes(sidecar, bytes[..(bytes.Length / 2)]);
        var truncated = Assert.Throws<InvalidDataException>(() => USearchVectorIndex.Open(_folder.Sub("d"), IndexOpenMode.Load));
        File.WriteAllBytes(sidecar, [.. bytes.Take(8), 99, 0, 0, 0, .. bytes.Skip(12)]);
        var version = Assert.Throws<InvalidDataException>(() => USearchVectorIndex.Open(_folder.Sub("d"), IndexOpenMode.MemoryMapped));
        File.WriteAllText(sidecar, "not a sidecar at all");
        var garbage = Assert.Throws<InvalidDataException>(() => USearchVectorIndex.Open(_folder.Sub("d"), IndexOpenMode.Load));

        Assert.All(new[] { truncated, version, garbage }, e => Assert.Contains(sidecar, e.Message, StringComparison.Ordinal));
        Assert.Contains("format version 99", version.Message, StringComparison.Ordinal);
        File.WriteAllBytes(sidecar, [.. bytes.Take(28), 0xFF, 0xFF, 0xFF, 0x7F, .. bytes.Skip(32)]); // 2^31 − 1 videos claimed
        Assert.Contains(sidecar, Assert.Throws<InvalidDataException>(() => USearchVectorIndex.Open(_folder.Sub("d"), IndexOpenMode.Load)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_or_mismatched_index_file_is_an_InvalidDataException_naming_it()
    {
        var (small, _) = Build(VectorMetric.InnerProduct, count: 100);
        small.Save(_folder.Sub("a"));
        var (other, _) = Build(VectorMetric.InnerProduct, count: 120);
        other.Save(_folder.Sub("b"));
        var indexFile = Path.Combine(_folder.Sub("a"), USearchVectorIndex.IndexFileName);

        File.Copy(Path.Combine(_folder.Sub("b"), USearchVectorIndex.IndexFileName), indexFile, overwrite: true);
        var otherIndex = Assert.Throws<InvalidDataException>(() => USearchVectorIndex.Open(_folder.Sub("a"), IndexOpenMode.Load));
        var cosine = new USearchVectorIndex(Dimensions, VectorMetric.Cosine);
        _open.Add(cosine);
        cosine.Save(_folder.Sub("c"));
        File.Copy(Path.Combine(_folder.Sub("c"), USearchVectorIndex.IndexFileName), indexFile, overwrite: true);
        var otherMetric = Assert.Throws<InvalidDataException>(() => USearchVectorIndex.Open(_folder.Sub("a"), IndexOpenMode.MemoryMapped));
        File.WriteAllBytes(indexFile, new byte[64]);
        var garbage = Assert.Throws<InvalidDataException>(() => USearchVectorIndex.Open(_folder.Sub("a"), IndexOpenMode.Load));
        File.Delete(indexFile);
        var missing = Assert.Throws<FileNotFoundException>(() => USearchVectorIndex.Open(_folder.Sub("a"), IndexOpenMode.Load));

        Assert.All(new Exception[] { otherIndex, otherMetric, garbage, missing }, e => Assert.Contains(indexFile, e.Message, StringComparison.Ordinal));
        Assert.Contains("120 vectors", otherIndex.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => USearchVectorIndex.Open(_folder.Sub("nothing"), IndexOpenMode.Load));
    }

    private (USearchVectorIndex Index, IndexedVideo[] Videos) Build(VectorMetric metric, int count, UsearchIndexOptions? options = null)
    {
        var videos = SeededVectors.Gaussian(seed: 20, count, Dimensions)
            .Select((v, i) => new IndexedVideo($"v{i}", v, new VideoIndexAttributes
            {
                Language = i % 3 == 0 ? "fr" : "en",
                AllowedRegions = i % 5 == 0 ? ["FR"] : [],
                Hidden = i == 7,
                UploadedAt = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.FromHours(2)).AddHours(i),
            }))
            .ToArray();
        var index = Track(new USearchVectorIndex(Dimensions, metric, options ?? new UsearchIndexOptions { Threads = 2 }));
        index.Upsert(videos);
        return (index, videos);
    }

    private USearchVectorIndex Track(USearchVectorIndex index)
    {
        _open.Add(index);
        return index;
    }
}

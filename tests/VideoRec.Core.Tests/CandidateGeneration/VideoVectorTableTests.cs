using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>The in-memory video vector table: rows by id and index entries.</summary>
public sealed class VideoVectorTableTests
{
    [Fact]
    public void Rows_FindAndEntries()
    {
        var table = new VideoVectorTable(new IdIndex(["a", "b"]), [1f, 2f, 3f, 4f], 2);
        var hidden = new VideoIndexAttributes { Hidden = true };

        Assert.Equal((2, 2), (table.Count, table.Dimensions));
        Assert.Equal([3f, 4f], table.Find("b")!.Value.ToArray());
        Assert.Equal([1f, 2f], table.Row(0).ToArray());
        Assert.Null(table.Find("nope"));

        var entries = table.Entries(id => id == "b" ? hidden : null).ToArray();
        Assert.Equal(["a", "b"], entries.Select(e => e.VideoId));
        Assert.Same(VideoIndexAttributes.Unrestricted, entries[0].Attributes);
        Assert.Same(hidden, entries[1].Attributes);
        Assert.Equal([3f, 4f], entries[1].Vector.ToArray());

        Assert.Throws<ArgumentException>(() => new VideoVectorTable(new IdIndex(["a", "b"]), [1f, 2f, 3f], 2));
        Assert.Throws<ArgumentException>(() => new VideoVectorTable(new IdIndex(["a"]), [1f], 0));
    }
}

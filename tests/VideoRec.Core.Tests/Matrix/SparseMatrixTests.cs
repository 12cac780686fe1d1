using VideoRec.Core.Matrix;

namespace VideoRec.Core.Tests.Matrix;

public sealed class SparseMatrixTests
{
    [Fact]
    public void From_entries_sorts_rows_and_merges_duplicates_keeping_the_stronger()
    {
        var m = SparseMatrix.FromEntries(2, 3,
        [
            new MatrixEntry(1, 2, 1f, 1f), new MatrixEntry(0, 1, 1f, 1f), new MatrixEntry(1, 0, 2f, 0f), new MatrixEntry(0, 1, 3f, 0f),
        ]);

        Assert.Equal([0, 1, 3], m.RowStart);
        Assert.Equal([1, 0, 2], m.ColumnIndices);
        Assert.Equal([3f, 2f, 1f], m.Strength);
        Assert.Equal([0f, 0f, 1f], m.Preference);
        Assert.True(m.Contains(1, 2));
        Assert.False(m.Contains(0, 0));
    }

    [Fact]
    public void Transpose_swaps_rows_and_columns_and_twice_is_identity()
    {
        var m = SparseMatrix.FromEntries(2, 3, [new MatrixEntry(0, 2, 5f, 1f), new MatrixEntry(1, 0, 7f, 0f), new MatrixEntry(1, 2, 1f, 1f)]);

        var t = m.Transpose();

        Assert.Equal((3, 2), (t.Rows, t.Columns));
        Assert.Equal([0, 1, 1, 3], t.RowStart);
        Assert.Equal([1, 0, 1], t.ColumnIndices);
        Assert.Equal([7f, 5f, 1f], t.Strength);
        var back = t.Transpose();
        Assert.Equal(m.RowStart, back.RowStart);
        Assert.Equal(m.ColumnIndices, back.ColumnIndices);
        Assert.Equal(m.Strength, back.Strength);
        Assert.Equal(m.Preference, back.Preference);
    }

    [Fact]
    public void Entries_outside_the_shape_and_inconsistent_arrays_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseMatrix.FromEntries(1, 1, [new MatrixEntry(0, 1, 1f, 1f)]));
        Assert.Throws<ArgumentException>(() => new SparseMatrix(1, 1, [0, 2], [0], [1f], [1f]));
        Assert.Throws<ArgumentException>(() => new SparseMatrix(1, 1, [0, 1], [0], [1f, 2f], [1f]));
    }

    [Fact]
    public void Id_index_assigns_dense_indices_in_insertion_order_and_rejects_duplicates_up_front()
    {
        var index = new IdIndex();
        Assert.Equal(0, index.Add("x"));
        Assert.Equal(1, index.Add("y"));
        Assert.Equal(0, index.Add("x"));
        Assert.Equal(-1, index.IndexOf("z"));
        Assert.Equal("y", index[1]);
        Assert.Throws<ArgumentException>(() => new IdIndex(["a", "a"]));
    }
}

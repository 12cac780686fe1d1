using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace VideoRec.Import;

/// <summary>One data line of a delimited file, with parsers that report errors by file, line and field name.</summary>
internal readonly ref struct DelimitedRow
{
    private readonly SepReader.Row row;
    private readonly string file;
    private readonly string[] names;

    public DelimitedRow(SepReader.Row row, string file, string[] names)
    {
        this.row = row;
        this.file = file;
        this.names = names;
    }

    /// <summary>1-based line number in the file.</summary>
    public int Line => DelimitedFile.LineOf(row);

    public int FieldCount => row.ColCount;

    public string Text(int index) => row[index].ToString();

    public ReadOnlySpan<char> Span(int index) => row[index].Span;

    public int Int(int index)
    {
        var span = row[index].Span.Trim();
        return int.TryParse(span, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error($"field '{names[index]}' must be an integer, found '{span}'");
    }

    public double Number(int index)
    {
        var span = row[index].Span.Trim();
        return double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Error($"field '{names[index]}' must be a number, found '{span}'");
    }

    public DateTimeOffset UnixTime(int index)
    {
        var span = row[index].Span.Trim();
        if (!long.TryParse(span, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || seconds > 253402300799)
        {
            throw Error($"field '{names[index]}' must be a Unix time in seconds, found '{span}'");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    public string Id(int index)
    {
        var span = row[index].Span.Trim();
        return span.IsEmpty ? throw Error($"field '{names[index]}' is empty") : span.ToString();
    }

    public DataFormatException Error(string problem) => new(file, Line, problem);
}

/// <summary>Reads a delimited text file row by row with Sep, checking the header and the field count of every line.</summary>
internal static class DelimitedFile
{
    public delegate void RowAction(DelimitedRow row);

    /// <summary>Reads every data line of <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="separator">Field separator.</param>
    /// <param name="encoding">Text encoding (MovieLens 100K is Latin-1, the newer files UTF-8).</param>
    /// <param name="names">Field names, in order; used for messages and, with <paramref name="header"/>, checked against line 1.</param>
    /// <param name="header">Whether line 1 is a header.</param>
    /// <param name="quoted">Whether fields may be quoted (RFC 4180).</param>
    /// <param name="summary">Counts lines.</param>
    /// <param name="onRow">Called for each data line.</param>
    /// <exception cref="DataFormatException">A line has the wrong number of fields, or the header differs or is missing.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static void Read(string path, char separator, Encoding encoding, string[] names, bool header, bool quoted,
        FileSummaryBuilder summary, RowAction onRow)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found.", path);
        }

        using var text = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: true);
        using var reader = Sep.New(separator).Reader(o => o with
        {
            HasHeader = false,
            DisableColCountCheck = true,
            DisableQuotesParsing = !quoted,
            Unescape = quoted,
        }).From(text);

        var expectHeader = header;
        foreach (var row in reader)
        {
            if (row.Span.IsWhiteSpace())
            {
                summary.Lines++;
                summary.Skip("blank line");
                continue;
            }

            if (expectHeader)
            {
                expectHeader = false;
                CheckHeader(row, path, names);
                continue;
            }

            summary.Lines++;
            if (row.ColCount != names.Length)
            {
                throw new DataFormatException(path, LineOf(row),
                    $"expected {names.Length} fields ({string.Join(", ", names)}) separated by '{Printable(separator)}', found {row.ColCount}");
            }

            onRow(new DelimitedRow(row, path, names));
        }

        if (expectHeader)
        {
            throw new DataFormatException(path, Math.Max(1, summary.Lines), $"expected the header '{string.Join(",", names)}', found an empty file");
        }
    }

    private static void CheckHeader(SepReader.Row row, string path, string[] names)
    {
        var ok = row.ColCount == names.Length;
        for (var i = 0; ok && i < names.Length; i++)
        {
            ok = row[i].Span.Trim().Equals(names[i], StringComparison.OrdinalIgnoreCase);
        }

        if (!ok)
        {
            throw new DataFormatException(path, LineOf(row), $"expected the header '{string.Join(",", names)}', found '{row.Span}'");
        }
    }

    /// <summary>
    /// 1-based line where <paramref name="row"/> starts. Sep 0.17 reports the first row's start as its end
    /// (line 2 for a one-line row); every later row starts where the one before ended, which Sep gets right.
    /// </summary>
    internal static int LineOf(SepReader.Row row) => row.RowIndex == 0 ? 1 : row.LineNumberFrom;

    private static string Printable(char c) => c == '\t' ? "\\t" : c.ToString();
}

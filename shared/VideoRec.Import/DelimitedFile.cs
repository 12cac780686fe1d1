using System.Globalization;
using System.Text;
using nietras.SeparatedValues;
using VideoRec.Core.Domain;

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

    public ReadOnlySpan<char> Span(int index) => row[index].Span;

    public int Int(int index)
    {
        var span = row[index].Span.Trim();
        return int.TryParse(span, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error($"field '{names[index]}' must be an integer, found '{Excerpt(span)}'");
    }

    public double Number(int index)
    {
        var span = row[index].Span.Trim();
        return double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Error($"field '{names[index]}' must be a number, found '{Excerpt(span)}'");
    }

    public DateTimeOffset UnixTime(int index)
    {
        var span = row[index].Span.Trim();
        if (!long.TryParse(span, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || seconds > 253402300799)
        {
            throw Error($"field '{names[index]}' must be a Unix time in seconds, found '{Excerpt(span)}'");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    /// <summary>An id, trimmed, that follows <see cref="EntityIds"/>' rule.</summary>
    public string Id(int index)
    {
        var id = row[index].Span.Trim().ToString();
        var problem = EntityIds.Check(id);
        return problem switch
        {
            IdProblem.None => id,
            IdProblem.Empty => throw Error($"field '{names[index]}' is empty"),
            _ => throw Error($"field '{names[index]}' is not a valid id: {EntityIds.Describe(problem, "an id")} Found '{Excerpt(id)}'"),
        };
    }

    /// <summary>
    /// Free text (title, tag), trimmed, with line breaks and tabs (possible inside a quoted CSV field) turned into
    /// single spaces; any other control character (NUL, escape, bell…) is refused.
    /// </summary>
    public string Text(int index)
    {
        var raw = row[index].Span.Trim();
        var builder = new System.Text.StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            if (c is '\r' or '\n' or '\t')
            {
                if (builder.Length > 0 && builder[^1] != ' ')
                {
                    builder.Append(' ');
                }
            }
            else if (char.IsControl(c))
            {
                throw Error($"field '{names[index]}' contains a control character: '{Excerpt(raw)}'");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>At most 40 characters of <paramref name="value"/>, control characters shown as '?', for messages.</summary>
    public static string Excerpt(ReadOnlySpan<char> value)
    {
        var cut = value.Length > 40 ? value[..40] : value;
        var chars = cut.ToArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]))
            {
                chars[i] = '?';
            }
        }

        return new string(chars) + (value.Length > 40 ? $"… ({value.Length} characters)" : "");
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
        if (Directory.Exists(path))
        {
            throw new DataFormatException(path, 1, "is a folder, not a data file");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found.", path);
        }

        if (encoding.CodePage == Encoding.UTF8.CodePage && Utf8Check.FirstInvalidLine(path) is { } badLine)
        {
            throw new DataFormatException(path, badLine, "is not valid UTF-8 text (the file must be UTF-8 encoded)");
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
            throw new DataFormatException(path, LineOf(row), $"expected the header '{string.Join(",", names)}', found '{DelimitedRow.Excerpt(row.Span)}'");
        }
    }

    /// <summary>
    /// 1-based line where <paramref name="row"/> starts. Sep 0.17 reports the first row's start as its end
    /// (line 2 for a one-line row); every later row starts where the one before ended, which Sep gets right.
    /// </summary>
    internal static int LineOf(SepReader.Row row) => row.RowIndex == 0 ? 1 : row.LineNumberFrom;

    private static string Printable(char c) => c == '\t' ? "\\t" : c.ToString();
}

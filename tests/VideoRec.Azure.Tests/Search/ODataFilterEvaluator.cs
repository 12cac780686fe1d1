using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VideoRec.Azure.Tests.Search;

/// <summary>
/// Evaluates the OData subset the adapter writes (<c>and</c>, <c>or</c>, <c>not</c>, parentheses, <c>eq</c>,
/// <c>ge</c>, <c>lt</c>, <c>coll/any(x: x eq v)</c>, <c>search.in(field, 'list', 'delimiters')</c>, string literals
/// with doubled quotes, integers, <c>true</c>, <c>false</c>, <c>null</c>) against one JSON document, with the
/// service's rules: comparisons with null are false except <c>eq null</c>; string equality is ordinal. Anything else
/// is a parse error, so a filter the adapter should not write fails the test.
/// </summary>
internal sealed class ODataFilterEvaluator
{
    private readonly List<string> _tokens;
    private int _at;
    private JsonObject _doc = null!;

    private ODataFilterEvaluator(string filter) => _tokens = Tokenize(filter);

    public static bool Matches(string? filter, JsonObject document)
    {
        if (filter is null)
        {
            return true;
        }

        var evaluator = new ODataFilterEvaluator(filter) { _doc = document };
        var result = evaluator.Or();
        if (evaluator._at != evaluator._tokens.Count)
        {
            throw new FormatException($"Unexpected '{evaluator._tokens[evaluator._at]}' in {filter}");
        }

        return result;
    }

    private bool Or()
    {
        var value = And();
        while (Accept("or"))
        {
            value = And() | value;
        }

        return value;
    }

    private bool And()
    {
        var value = Unary();
        while (Accept("and"))
        {
            value = Unary() & value;
        }

        return value;
    }

    private bool Unary() => Accept("not") ? !Unary() : Primary();

    private bool Primary()
    {
        if (Accept("("))
        {
            var value = Or();
            Expect(")");
            return value;
        }

        var name = Next();
        if (name == "search.in")
        {
            Expect("(");
            var field = Next();
            Expect(",");
            var list = StringLiteral(Next());
            Expect(",");
            var delimiters = StringLiteral(Next());
            Expect(")");
            var value = _doc[field]?.GetValue<string>();
            return value is not null && list.Split(delimiters.ToCharArray()).Contains(value, StringComparer.Ordinal);
        }

        if (name.EndsWith("/any", StringComparison.Ordinal))
        {
            Expect("(");
            var variable = Next();
            Expect(":");
            Expect(variable);
            Expect("eq");
            var wanted = Literal(Next());
            Expect(")");
            var items = _doc[name[..^4]]?.AsArray() ?? [];
            return items.Any(item => Equal(item, wanted));
        }

        var op = Next();
        var right = Literal(Next());
        var left = _doc[name];
        return op switch
        {
            "eq" => Equal(left, right),
            "ge" => left is not null && right is not null && Compare(left, right) >= 0,
            "lt" => left is not null && right is not null && Compare(left, right) < 0,
            _ => throw new FormatException($"Unknown operator '{op}'"),
        };
    }

    private static bool Equal(JsonNode? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (_, string s) => left.GetValueKind() == JsonValueKind.String && string.Equals(left.GetValue<string>(), s, StringComparison.Ordinal),
        (_, bool b) => left.GetValueKind() is JsonValueKind.True or JsonValueKind.False && left.GetValue<bool>() == b,
        (_, long n) => left.GetValueKind() == JsonValueKind.Number && left.GetValue<long>() == n,
        _ => throw new FormatException($"Cannot compare {left} with {right}"),
    };

    private static int Compare(JsonNode left, object right) => right is long n
        ? left.GetValue<long>().CompareTo(n)
        : throw new FormatException($"Only integers are compared here, not {right}");

    private static object? Literal(string token) => token switch
    {
        "null" => null,
        "true" => true,
        "false" => false,
        _ when token.StartsWith('\'') => StringLiteral(token),
        _ => long.Parse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
    };

    private static string StringLiteral(string token) =>
        token.Length >= 2 && token[0] == '\'' && token[^1] == '\''
            ? token[1..^1].Replace("''", "'", StringComparison.Ordinal)
            : throw new FormatException($"Not a string literal: {token}");

    private bool Accept(string token)
    {
        if (_at < _tokens.Count && _tokens[_at] == token)
        {
            _at++;
            return true;
        }

        return false;
    }

    private void Expect(string token)
    {
        if (!Accept(token))
        {
            throw new FormatException($"Expected '{token}' at token {_at}");
        }
    }

    private string Next() => _at < _tokens.Count ? _tokens[_at++] : throw new FormatException("Unexpected end of filter");

    private static List<string> Tokenize(string filter)
    {
        var tokens = new List<string>();
        for (var i = 0; i < filter.Length;)
        {
            var c = filter[i];
            if (c == ' ')
            {
                i++;
            }
            else if (c is '(' or ')' or ',' or ':')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c == '\'')
            {
                var literal = new StringBuilder("'");
                i++;
                while (true)
                {
                    if (i >= filter.Length)
                    {
                        throw new FormatException("Unterminated string literal");
                    }

                    if (filter[i] == '\'')
                    {
                        if (i + 1 < filter.Length && filter[i + 1] == '\'')
                        {
                            literal.Append("''");
                            i += 2;
                            continue;
                        }

                        literal.Append('\'');
                        i++;
                        break;
                    }

                    literal.Append(filter[i++]);
                }

                tokens.Add(literal.ToString());
            }
            else
            {
                var start = i;
                while (i < filter.Length && (char.IsAsciiLetterOrDigit(filter[i]) || filter[i] is '.' or '/' or '_' or '-'))
                {
                    i++;
                }

                if (i == start)
                {
                    throw new FormatException($"Unexpected character '{c}'");
                }

                tokens.Add(filter[start..i]);
            }
        }

        return tokens;
    }
}

// A workload of ours for Sprache (parser combinators written in LINQ query syntax): an arithmetic evaluator with
// precedence and parentheses, a key=value configuration reader with comments, quoted strings with escapes, and the
// library's error messages for bad input; the result prints every value and message, so any difference between the
// woven and the unwoven library shows. SetCommentStyle drives the library's public API to write an object the caller
// owns (the deny test protects that object as a host region).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Sprache;

namespace LibraryWorkload;

public static class Program
{
    private static readonly Parser<double> Number =
        from digits in Parse.DecimalInvariant.Token()
        select double.Parse(digits, CultureInfo.InvariantCulture);

    private static readonly Parser<double> Factor =
        (from open in Parse.Char('(').Token()
         from value in Parse.Ref(() => Expression)
         from close in Parse.Char(')').Token()
         select value)
        .Or(from minus in Parse.Char('-').Token() from value in Parse.Ref(() => Factor) select -value)
        .Or(Number);

    private static readonly Parser<double> Term =
        Parse.ChainOperator(Parse.Char('*').Or(Parse.Char('/')).Token(), Factor, (op, a, b) => op == '*' ? a * b : a / b);

    private static readonly Parser<double> Expression =
        Parse.ChainOperator(Parse.Char('+').Or(Parse.Char('-')).Token(), Term, (op, a, b) => op == '+' ? a + b : a - b);

    private static readonly Parser<string> Quoted =
        from open in Parse.Char('"')
        from text in Parse.Char('\\').Then(_ => Parse.AnyChar).Or(Parse.CharExcept('"')).Many().Text()
        from close in Parse.Char('"')
        select text;

    private static readonly Parser<KeyValuePair<string, string>> Setting =
        from key in Parse.Identifier(Parse.Letter, Parse.LetterOrDigit.Or(Parse.Char('_'))).Token()
        from eq in Parse.Char('=').Token()
        from value in Quoted.Or(Parse.CharExcept("\r\n#").Many().Text().Select(t => t.Trim()))
        select new KeyValuePair<string, string>(key, value);

    public static string Run()
    {
        var report = new StringBuilder();
        foreach (var text in new[] { "1 + 2 * 3", "(1 + 2) * 3", "-(4 - 10) / 4", "2 * (3 + (4 - 1)) * -1.5", "10 / 4 - 0.5" })
            report.Append($"{text} = {Expression.End().Parse(text).ToString(CultureInfo.InvariantCulture)}\n");
        for (int i = 1; i <= 40; i++)
        {
            var text = string.Join(" + ", Enumerable.Range(1, i).Select(k => $"{k} * ({k} - 1)"));
            report.Append($"sum {i} = {Expression.End().Parse(text).ToString(CultureInfo.InvariantCulture)}\n");
        }

        var comments = new CommentParser("#", "/*", "*/", "\n");
        var line = Setting.Token().Or(comments.SingleLineComment.Token().Select(c => new KeyValuePair<string, string>("#", c.Trim())));
        var config = "# settings\nname = \"weaver \\\"woven\\\"\"\nlevel = 3\n# tail\npath = /usr/lib\n";
        foreach (var pair in line.Many().End().Parse(config)) report.Append($"{pair.Key} -> {pair.Value}\n");

        foreach (var bad in new[] { "1 + ", "(2 * 3", "4 ** 2", "" })
        {
            var result = Expression.End().TryParse(bad);
            report.Append(result.WasSuccessful ? $"'{bad}' parsed\n" : $"'{bad}': {result.Message} at {result.Remainder.Position}\n");
        }
        return report.ToString();
    }

    /// <summary>Sets the single-line comment marker of <paramref name="parser"/> through the library's own setter.</summary>
    public static string SetCommentStyle(CommentParser parser, string marker)
    {
        parser.Single = marker;
        return parser.Single;
    }

    public static CommentParser NewCommentParser() => new CommentParser("#", "/*", "*/", "\n");
}

using System.Text;

namespace AuthProxy.Tests.Hosting;

/// <summary>
/// One directive of an nginx configuration as nginx tokenises it: a name, its arguments (quotes
/// removed), and the directives of its block when it has one. Comments are dropped.
/// </summary>
internal sealed record NginxDirective(string Name, IReadOnlyList<string> Arguments, IReadOnlyList<NginxDirective> Block)
{
    public static IReadOnlyList<NginxDirective> Parse(string text)
    {
        var tokens = Tokenise(text);
        var position = 0;
        var directives = ParseBlock(tokens, ref position);
        if (position != tokens.Count)
        {
            throw new FormatException("unbalanced '}' in nginx configuration");
        }

        return directives;
    }

    /// <summary>This directive's block and every block inside it, depth first.</summary>
    public IEnumerable<NginxDirective> Descendants() => Block.SelectMany(d => new[] { d }.Concat(d.Descendants()));

    private static List<NginxDirective> ParseBlock(List<(string Text, bool Quoted)> tokens, ref int position)
    {
        var directives = new List<NginxDirective>();
        while (position < tokens.Count && !(tokens[position] is ("}", false)))
        {
            var name = tokens[position++].Text;
            var arguments = new List<string>();
            while (position < tokens.Count && !(tokens[position] is (";" or "{", false)))
            {
                arguments.Add(tokens[position++].Text);
            }

            if (position == tokens.Count)
            {
                throw new FormatException($"directive '{name}' is not terminated by ';' or a block");
            }

            IReadOnlyList<NginxDirective> block = [];
            if (tokens[position++] is ("{", false))
            {
                block = ParseBlock(tokens, ref position);
                if (position == tokens.Count)
                {
                    throw new FormatException($"block of '{name}' is not closed");
                }

                position++;
            }

            directives.Add(new NginxDirective(name, arguments, block));
        }

        return directives;
    }

    private static List<(string Text, bool Quoted)> Tokenise(string text)
    {
        var tokens = new List<(string, bool)>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c is ';' or '{' or '}')
            {
                tokens.Add((c.ToString(), false));
                i++;
            }
            else if (c is '"' or '\'')
            {
                var word = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != c)
                {
                    word.Append(text[i] == '\\' && i + 1 < text.Length ? text[++i] : text[i]);
                    i++;
                }

                tokens.Add((word.ToString(), true));
                i++;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not (';' or '{' or '}'))
                {
                    i++;
                }

                tokens.Add((text[start..i], false));
            }
        }

        return tokens;
    }
}

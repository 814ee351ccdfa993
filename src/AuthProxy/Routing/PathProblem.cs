namespace AuthProxy.Routing;

/// <summary>Why the path guard refused a path: the rule, and what it found.</summary>
internal readonly record struct PathProblem(PathRule Rule, string Detail)
{
    /// <summary>The rule's stable name, as the refusal message shows it.</summary>
    public string RuleName => Rule switch
    {
        PathRule.ControlCharacter => "control-character",
        PathRule.Backslash => "backslash",
        PathRule.EncodedSlash => "encoded-slash",
        PathRule.EncodedDelimiter => "encoded-delimiter",
        PathRule.DoubleEncoding => "double-encoding",
        PathRule.InvalidUtf8 => "invalid-utf8",
        PathRule.PercentU => "percent-u",
        PathRule.PathParameter => "path-parameter",
        PathRule.EmptySegment => "empty-segment",
        PathRule.DotSegment => "dot-segment",
        _ => "look-alike",
    };

    /// <summary>The refusal message: "The request path is refused by rule NAME: DETAIL".</summary>
    public string Message => $"The request path is refused by rule {RuleName}: {Detail}";

    public override string ToString() => Message;
}

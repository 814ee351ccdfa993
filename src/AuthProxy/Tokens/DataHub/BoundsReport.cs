namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// What <see cref="DocumentBounds"/> decided: the first bound the document passed (null when it
/// is within all of them), and how much work deciding took.
/// </summary>
/// <param name="Violation">The refusal, or null.</param>
/// <param name="Visited">Steps taken: syntax nodes read, fragment spreads resolved, response names merged from fragments.</param>
internal readonly record struct BoundsReport(BoundViolation? Violation, int Visited);

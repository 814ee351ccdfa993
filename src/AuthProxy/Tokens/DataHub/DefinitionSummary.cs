namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// One operation or fragment as <see cref="DocumentBounds"/> sees it: what its own fields add up
/// to, and the fragment spreads whose summaries complete it. A fragment is summarised once,
/// however often it is spread.
/// </summary>
internal sealed class DefinitionSummary(string subject, bool isMutation)
{
    /// <summary>How a refusal names it: <c>Operation 'Q'</c>, <c>Fragment 'F'</c>.</summary>
    public string Subject { get; } = subject;

    public bool IsMutation { get; } = isMutation;

    /// <summary>Fields selected, counting those that fragment spreads bring.</summary>
    public int Selections { get; set; }

    /// <summary>Aliased fields selected, counting through fragments.</summary>
    public int Aliases { get; set; }

    /// <summary>The deepest field; a field of the top selection set is depth 1.</summary>
    public int Depth { get; set; }

    /// <summary>Fields of the top selection set (through inline fragments and spreads): a mutation's root fields.</summary>
    public int RootFields { get; set; }

    /// <summary>Each spread as written, with the depth of the field whose selection set holds it (0 for the top set).</summary>
    public List<(string Fragment, int Level)> Spreads { get; } = [];

    /// <summary>Selection sets that hold spreads: their own response names, to be completed with the spread fragments' top names.</summary>
    public List<(Dictionary<string, int> Names, List<string> Fragments, bool IsTop)> OpenSets { get; } = [];

    /// <summary>Response names of the top selection set with their counts, fragments included; set once summarised.</summary>
    public Dictionary<string, int>? TopNames { get; set; }

    /// <summary>0 not yet summarised, 1 being summarised (meeting it again is a cycle), 2 summarised.</summary>
    public int State { get; set; }

    /// <summary>
    /// Completes this definition from the summaries of the fragments it spreads
    /// (<paramref name="byName"/>), completing each of them first (once). The recursion is at most
    /// as deep as the document has fragments.
    /// </summary>
    public bool Complete(IReadOnlyDictionary<string, DefinitionSummary> byName, BoundsTally tally)
    {
        if (State == 2)
        {
            return true;
        }

        if (State == 1)
        {
            return tally.Refuse(new BoundViolation(BoundViolation.FragmentCycleCode,
                $"{Subject} spreads itself through the fragments it spreads; fragments must not form cycles."));
        }

        State = 1;
        foreach (var (name, level) in Spreads)
        {
            tally.Step();
            if (!byName.TryGetValue(name, out var fragment))
            {
                // An unknown fragment adds nothing; validation reports it.
                continue;
            }

            if (!fragment.Complete(byName, tally))
            {
                return false;
            }

            Selections += fragment.Selections;
            if (Selections > tally.Limits.MaxSelections)
            {
                return tally.Refuse(GraphQLBound.Selections, Subject);
            }

            Aliases += fragment.Aliases;
            if (Aliases > tally.Limits.MaxAliases)
            {
                return tally.Refuse(GraphQLBound.Aliases, Subject);
            }

            Depth = Math.Max(Depth, level + fragment.Depth);
            if (Depth > tally.Limits.MaxDepth)
            {
                return tally.Refuse(GraphQLBound.Depth, Subject);
            }

            if (level == 0)
            {
                RootFields += fragment.RootFields;
                if (IsMutation && RootFields > tally.Limits.MaxMutations)
                {
                    return tally.Refuse(GraphQLBound.Mutations, Subject);
                }
            }
        }

        // The counts above bound the names merged here: a set holds no more names than fields.
        foreach (var (names, fragments, isTop) in OpenSets)
        {
            foreach (var name in fragments)
            {
                if (!byName.TryGetValue(name, out var fragment))
                {
                    continue;
                }

                foreach (var (responseName, count) in fragment.TopNames!)
                {
                    tally.Step();
                    if (!tally.AddName(names, responseName, count, this))
                    {
                        return false;
                    }
                }
            }

            if (isTop)
            {
                TopNames = names;
            }
        }

        TopNames ??= [];
        State = 2;
        return true;
    }
}

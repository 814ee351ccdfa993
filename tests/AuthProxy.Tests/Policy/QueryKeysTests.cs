using AuthProxy.Policy;

namespace AuthProxy.Tests.Policy;

public sealed class QueryKeysTests
{
    [Theory]
    [InlineData("?graph=social")]
    [InlineData("graph=social")]
    [InlineData("?gr%61ph=social")] // ASP.NET decodes the key, as every backend does: it is the name itself
    [InlineData("?graph=social&limit=3")]
    [InlineData("?graph=social;limit=3")]
    [InlineData("?graphs=x&graph_name=y&xgraph=z&graph=social")]
    [InlineData("?graph=a%00b")] // values are not keys
    [InlineData("")]
    [InlineData("?")]
    [InlineData("?&&=x&graph")]
    public void NoTwin(string query) => Assert.Null(QueryKeys.FindTwin(query, "graph"));

    [Theory]
    [InlineData("?graph=social&graph[]=finance", "graph[]")]
    [InlineData("?graph[]=finance", "graph[]")]
    [InlineData("?graph[0]=finance", "graph[0]")]
    [InlineData("?graph[x]=finance", "graph[x]")]
    [InlineData("?graph%5B%5D=finance", "graph%5B%5D")]
    [InlineData("?graph%00=finance", "graph%00")]
    [InlineData("?graph%00x=finance", "graph%00x")]
    [InlineData("?Graph=finance", "Graph")]
    [InlineData("?GRAPH=finance", "GRAPH")]
    [InlineData("?%20graph=finance", "%20graph")]
    [InlineData("?graph%20=finance", "graph%20")]
    [InlineData("?+graph=finance", "+graph")]
    [InlineData("?graph%09=finance", "graph%09")]
    [InlineData("?gr%2561ph=finance", "gr%2561ph")] // decoded twice
    [InlineData("?graph%255B%255D=finance", "graph%255B%255D")]
    [InlineData("?limit=3;graph=finance", "graph")] // older Python and Perl split on ';'
    [InlineData("?graph;x=finance", "graph")]
    [InlineData("?graph=social&x=1;graph=finance", "graph")]
    [InlineData("?graph=social&graph[=finance", "graph[")]
    public void FindsTheTwin(string query, string twin) => Assert.Equal(twin, QueryKeys.FindTwin(query, "graph"));

    [Theory]
    [InlineData("?graph.name=finance", "graph.name")] // PHP reads '.' and ' ' as '_'
    [InlineData("?graph%20name=finance", "graph%20name")]
    [InlineData("?graph[name=finance", "graph[name")]
    [InlineData("?Graph_Name=finance", "Graph_Name")]
    public void FindsPhpTwins_OfNamesWithUnderscores(string query, string twin) => Assert.Equal(twin, QueryKeys.FindTwin(query, "graph_name"));

    [Fact]
    public void TheExactName_IsNotATwin() => Assert.Null(QueryKeys.FindTwin("?graph_name=social", "graph_name"));

    [Theory]
    [InlineData("?wor%E2%84%AAspace_id=b", "wor%E2%84%AAspace_id")] // KELVIN SIGN: Java's equalsIgnoreCase reads it as k
    [InlineData("?work%C5%BFpace_id=b", "work%C5%BFpace_id")] // LATIN SMALL LETTER LONG S, as s
    [InlineData("?workspace_%C4%B1d=b", "workspace_%C4%B1d")] // LATIN SMALL LETTER DOTLESS I, as i
    [InlineData("?workspace_%C4%B0d=b", "workspace_%C4%B0d")] // LATIN CAPITAL LETTER I WITH DOT ABOVE, as i
    [InlineData("?WORK\u017FPACE_ID=b", "WORK\u017FPACE_ID")]
    public void FindsTwins_ThatFoldToTheNameOnlyUnderUnicodeCaseRules(string query, string twin) =>
        Assert.Equal(twin, QueryKeys.FindTwin(query, "workspace_id"));

    [Theory]
    [InlineData("?_method=DELETE", "_method")] // the exact name is refused too
    [InlineData("?a=1&_METHOD=DELETE", "_METHOD")]
    [InlineData("?%5Fmethod=DELETE", "%5Fmethod")]
    [InlineData("?_method[]=DELETE", "_method[]")]
    [InlineData("?.method=DELETE", ".method")] // PHP reads '.' as '_'
    [InlineData("?+method=DELETE", null)] // ' method' trims to 'method'
    [InlineData("?x=1;_method=DELETE", "_method")]
    [InlineData("?_method%00x=DELETE", "_method%00x")]
    [InlineData("?method=DELETE&_methods=x&x_method=y", null)]
    public void FindKey_IncludesTheExactName(string query, string? key) =>
        Assert.Equal(key, QueryKeys.FindKey(query, ["_method"])?.Key);

    [Theory]
    [InlineData("graph", true)]
    [InlineData("Graph", true)]
    [InlineData("gr%61ph", true)]
    [InlineData("graph[]", true)]
    [InlineData("%20graph%20", true)]
    [InlineData("graphs", false)]
    [InlineData("", false)]
    public void ReadsAsName_AppliesTheTwinRules(string key, bool reads) => Assert.Equal(reads, QueryKeys.ReadsAsName(key, "graph"));

    [Theory]
    [InlineData("graph[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true)] // an array key, cut off
    [InlineData("GRAPHxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", true)] // could be 'graph' followed by whitespace
    [InlineData("%20%20%20%20%20%20%20%20%20%20%20%20%20%20%20%20%20%20", true)] // nothing yet but whitespace
    [InlineData("graph%2", true)] // an escape cut off right after the name
    [InlineData("gr%00xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false)] // cut at the NUL: 'gr'
    [InlineData("graph%00xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", true)] // cut at the NUL: 'graph'
    [InlineData("{\"vertices\":{\"person\":{\"graph\":1}}}xxxxxxxxxxxxxxxxxxxxxx", false)]
    [InlineData("grape_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false)]
    public void MayReadAsName_JudgesTheStartOfALongKey(string prefix, bool may) => Assert.Equal(may, QueryKeys.MayReadAsName(prefix, "graph"));
}

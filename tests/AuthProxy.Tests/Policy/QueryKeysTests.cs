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
}

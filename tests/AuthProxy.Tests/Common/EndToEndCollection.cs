namespace AuthProxy.Tests.Common;

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<BackendProcess>
{
    public const string Name = "end-to-end";
}

namespace AuthProxy.Configuration;

internal enum ValueReferenceKind
{
    Inline,
    File,
    Url,
}

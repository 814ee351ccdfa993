namespace AuthProxy.Authentication;

internal enum HeaderRead
{
    Absent,
    Found,
    Ambiguous,
}

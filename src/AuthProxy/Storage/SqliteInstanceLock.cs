namespace AuthProxy.Storage;

/// <summary>
/// Holds a SQLite store for one AuthProxy instance: an exclusive lock on a file beside the
/// database (<c>authproxy.db.lock</c>), taken at start and let go at shutdown. The operating
/// system lets go of it when the process dies, so a crashed instance never blocks its restart.
/// </summary>
internal sealed class SqliteInstanceLock : IDisposable
{
    private readonly FileStream _file;

    private SqliteInstanceLock(FileStream file) => _file = file;

    /// <summary>Takes the lock of the database at <paramref name="databasePath"/>, or explains why another instance has it.</summary>
    public static SqliteInstanceLock Acquire(string databasePath)
    {
        var path = databasePath + ".lock";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            return new SqliteInstanceLock(new FileStream(path, options));
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InvalidOperationException(
                $"the SQLite store {databasePath} is in use by another AuthProxy instance. SQLite serves one instance: several instances must share a "
                + "PostgreSQL store (AuthProxy:Store:Provider=PostgreSQL), so that keys, revocations and block lists hold on all of them.", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}

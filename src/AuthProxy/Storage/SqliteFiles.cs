using AuthProxy.Telemetry;

namespace AuthProxy.Storage;

/// <summary>The SQLite store's files on disk: created and kept readable by their owner only.</summary>
internal static partial class SqliteFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode OwnerOnlyFolder = OwnerOnly | UnixFileMode.UserExecute;

    private const UnixFileMode GroupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// The store holds signing keys, token hashes and secrets' hashes: on Unix its folder (when
    /// AuthProxy creates it) is 0700 and its files 0600. The database file is created 0600 before
    /// SQLite opens it, because SQLite gives its <c>-wal</c>, <c>-shm</c> and <c>-journal</c> files
    /// the database file's mode; files left looser by an earlier version are tightened, and said so.
    /// A folder that already exists is the operator's and is left as it is.
    /// </summary>
    public static void Prepare(string path, ILogger logger)
    {
        var directory = Path.GetDirectoryName(path);
        if (OperatingSystem.IsWindows())
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            return;
        }

        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnlyFolder);
        }

        if (!File.Exists(path))
        {
            try
            {
                // An empty file is an empty SQLite database.
                using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another instance created it first; it is tightened below like any existing file.
            }
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            var mode = File.GetUnixFileMode(file);
            if ((mode & GroupAndOthers) != 0)
            {
                var tightened = mode & ~GroupAndOthers;
                File.SetUnixFileMode(file, tightened);
                Log.ModeTightened(logger, file, Octal(mode), Octal(tightened));
            }
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.StoreFileModeTightened, Level = LogLevel.Warning, Message = "The store file {File} had mode {Mode}, open to other users; it is now {Tightened}")]
        public static partial void ModeTightened(ILogger logger, string file, string mode, string tightened);
    }
}

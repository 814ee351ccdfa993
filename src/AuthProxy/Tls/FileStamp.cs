using System.Text;
using AuthProxy.Keys;

namespace AuthProxy.Tls;

/// <summary>
/// What certificate files look like on disk now: for each file (each bundle file of a folder), the
/// file its links finally lead to, its size, its last write time and (for files up to 1 MB) a hash
/// of its content. A change of any of them (an
/// edit, a rename over the file, or a Kubernetes secret volume swapping its <c>..data</c> link)
/// changes the stamp.
/// </summary>
internal static class FileStamp
{
    public static string Of(IEnumerable<string> paths)
    {
        var stamp = new StringBuilder();
        foreach (var path in paths)
        {
            try
            {
                foreach (var file in CaBundle.Files(path))
                {
                    Append(stamp, file);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stamp.Append(path).Append(":unreadable;");
            }
        }

        return stamp.ToString();
    }

    /// <summary>Files up to this size (any certificate or key file) are stamped by their content too.</summary>
    private const long MaxHashedLength = 1024 * 1024;

    private static void Append(StringBuilder stamp, string file)
    {
        FileSystemInfo info = new FileInfo(file);
        if (info.LinkTarget is not null)
        {
            info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
        }

        stamp.Append(info.FullName).Append(':');
        if (info is FileInfo { Exists: true } target)
        {
            stamp.Append(target.Length).Append(':').Append(target.LastWriteTimeUtc.Ticks);
            if (target.Length <= MaxHashedLength)
            {
                // File times tick coarsely (a few milliseconds on Linux): a file replaced by one of the same
                // length within one tick has the same time, so certificate-sized files are told apart by content.
                try
                {
                    stamp.Append(':').Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(target.FullName))));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    stamp.Append(":unreadable");
                }
            }
        }
        else
        {
            stamp.Append("missing");
        }

        stamp.Append(';');
    }
}

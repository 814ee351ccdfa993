namespace AuthProxy.Tls;

/// <summary>Certificate material read from files, which <see cref="TlsFileMonitor"/> checks for changes.</summary>
internal interface IReloadingFiles
{
    /// <summary>What the files are for, as log lines name them (<c>CA bundle /etc/ca.pem of cluster restpp</c>).</summary>
    string Description { get; }

    /// <summary>Reads the files again when they changed since they were last read; called by one thread at a time.</summary>
    ReloadResult Check();
}

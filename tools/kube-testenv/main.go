// kube-testenv runs a throw-away Kubernetes control plane for tests in ONE process:
//
//   - an embedded etcd 3.6 (go.etcd.io/etcd/server/v3/embed) on loopback with a temp data dir,
//   - the real kube-apiserver (k8s.io/kubernetes/cmd/kube-apiserver/app.NewAPIServerCommand),
//     driven by its command-line flags (the stable contract, unlike its Go option structs),
//   - optionally the garbage-collector and namespace controllers of kube-controller-manager
//     (k8s.io/kubernetes/cmd/kube-controller-manager/app.NewControllerManagerCommand),
//
// with throw-away certificates (CA, serving, service-account signing key, system:masters admin
// client). When the API server is ready and the "default" namespace exists it writes a kubeconfig
// and prints ONE JSON line on stdout:
//
//	{"kubeconfig":"/tmp/kube-testenv-123/kubeconfig","server":"https://127.0.0.1:40123","pid":123,...}
//
// Everything else (logs) goes to stderr. It exits on SIGTERM/SIGINT or when stdin reaches EOF, so a
// crashed test runner that held the other end of the pipe never leaves it behind.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // for timeZone support in CronJob, as upstream kube-apiserver

	"github.com/spf13/cobra"
	"go.etcd.io/etcd/server/v3/embed"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/component-base/cli"
	logsapi "k8s.io/component-base/logs/api/v1"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format, as upstream
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics, as upstream
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric, as upstream
	"k8s.io/component-base/version"
	apiserverapp "k8s.io/kubernetes/cmd/kube-apiserver/app"
	kcmapp "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

// Exit codes understood by the TypeScript helper.
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2
	exitPortTaken = 3 // the chosen port was taken between picking and binding: retry
	exitTimeout   = 4
)

type options struct {
	dir            string
	keepDir        bool
	port           int
	controllers    bool
	readyTimeout   time.Duration
	watchStdin     bool
	apiserverFlags string
	verbosity      int
	shutdownGrace  time.Duration
}

type readyLine struct {
	Kubeconfig  string   `json:"kubeconfig"`
	Server      string   `json:"server"`
	Pid         int      `json:"pid"`
	Dir         string   `json:"dir"`
	Version     string   `json:"version"`
	Etcd        string   `json:"etcd"`
	Controllers []string `json:"controllers"`
	StartupMs   int64    `json:"startupMs"`
}

var logf = func(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kube-testenv: "+format+"\n", args...)
}

func main() {
	start := time.Now()
	var o options
	fs := flag.NewFlagSet("kube-testenv", flag.ContinueOnError)
	fs.StringVar(&o.dir, "dir", "", "working directory for certs, etcd data and kubeconfig (default: a new temp dir, removed on exit)")
	fs.BoolVar(&o.keepDir, "keep-dir", false, "do not remove the working directory on exit")
	fs.IntVar(&o.port, "port", 0, "kube-apiserver secure port on 127.0.0.1 (0: pick a free one)")
	fs.BoolVar(&o.controllers, "controllers", true, "run the garbage-collector and namespace controllers in-process")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", 90*time.Second, "give up if not ready within this time")
	fs.BoolVar(&o.watchStdin, "watch-stdin", true, "exit when stdin reaches EOF (the parent process went away)")
	fs.StringVar(&o.apiserverFlags, "apiserver-flags", "", "extra kube-apiserver flags, space separated (e.g. \"--feature-gates=X=true\")")
	fs.DurationVar(&o.shutdownGrace, "shutdown-grace", 3*time.Second, "after SIGTERM or stdin EOF, wait this long for kube-apiserver's graceful shutdown, then exit anyway")
	fs.IntVar(&o.verbosity, "v", 0, "klog verbosity of the embedded components")
	showVersion := fs.Bool("version", false, "print the Kubernetes version and exit")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(exitUsage)
	}
	if *showVersion {
		fmt.Println(version.Get().GitVersion)
		os.Exit(exitOK)
	}
	os.Exit(run(o, start))
}

func run(o options, start time.Time) int {
	// The API server and the controller manager both apply the (identical) logging configuration.
	logsapi.ReapplyHandling = logsapi.ReapplyHandlingIgnoreUnchanged

	dir := o.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "kube-testenv-")
		if err != nil {
			logf("creating temp dir: %v", err)
			return exitFailure
		}
		dir = d
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		logf("creating %s: %v", dir, err)
		return exitFailure
	}
	// cleanup runs once, from the normal return path or from the shutdown deadline below.
	var cleanups []func()
	var cleanupOnce sync.Once
	cleanup := func() {
		cleanupOnce.Do(func() {
			for i := len(cleanups) - 1; i >= 0; i-- {
				cleanups[i]()
			}
		})
	}
	defer cleanup()
	if o.dir == "" && !o.keepDir {
		cleanups = append(cleanups, func() { _ = os.RemoveAll(dir) })
	}

	port := o.port
	if port == 0 {
		p, err := freePort()
		if err != nil {
			logf("picking a free port: %v", err)
			return exitFailure
		}
		port = p
	}
	host := "127.0.0.1"
	server := "https://" + net.JoinHostPort(host, strconv.Itoa(port))

	pki, err := generatePKI(filepath.Join(dir, "pki"))
	if err != nil {
		logf("generating certificates: %v", err)
		return exitFailure
	}
	kubeconfigPath := filepath.Join(dir, "kubeconfig")
	if err := writeKubeconfig(kubeconfigPath, server, pki); err != nil {
		logf("writing kubeconfig: %v", err)
		return exitFailure
	}

	etcd, etcdURL, err := startEtcd(filepath.Join(dir, "etcd"))
	if err != nil {
		logf("starting etcd: %v", err)
		return exitFailure
	}
	cleanups = append(cleanups, func() {
		etcd.Close()
		logf("etcd stopped")
	})

	// kube-apiserver installs the process' SIGTERM/SIGINT handler itself (SetupSignalContext) and
	// runs until it fires; an EOF on stdin is turned into the same signal.
	args := []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=" + host,
		"--advertise-address=" + host,
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + filepath.Join(dir, "apiserver"),
		"--tls-cert-file=" + pki.servingCert,
		"--tls-private-key-file=" + pki.servingKey,
		"--client-ca-file=" + pki.caCert,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-signing-key-file=" + pki.saKey,
		"--service-account-key-file=" + pki.saPub,
		"--authorization-mode=RBAC",
		// No service-account/token controllers, no pvc-protection controller: these admission
		// plugins would wait for (or add finalizers only) those controllers handle.
		"--disable-admission-plugins=ServiceAccount,StorageObjectInUseProtection",
		// Must match whether the garbage collector runs: otherwise foreground/orphan deletes add
		// finalizers nobody removes.
		"--enable-garbage-collector=" + strconv.FormatBool(o.controllers),
		"--endpoint-reconciler-type=none",
		"--service-cluster-ip-range=10.0.0.0/24",
		"--allow-privileged=true",
		"--profiling=false",
		"--v=" + strconv.Itoa(o.verbosity),
	}
	if o.apiserverFlags != "" {
		args = append(args, strings.Fields(o.apiserverFlags)...)
	}
	// The controller-manager command must be built first: building it overrides a feature-gate
	// default (WatchListClient), which is refused once any command has added the gates' flag.
	var kcm *cobra.Command
	controllers := []string{}
	if o.controllers {
		controllers = []string{"garbagecollector", "namespace"}
		kcm = kcmapp.NewControllerManagerCommand()
		kcm.SetArgs([]string{
			"--kubeconfig=" + kubeconfigPath,
			"--controllers=" + strings.Join(controllers, ","),
			"--leader-elect=false",
			"--secure-port=0",
			"--use-service-account-credentials=false",
			"--v=" + strconv.Itoa(o.verbosity),
		})
		kcm.SetOut(os.Stderr)
		kcm.SetErr(os.Stderr)
	}

	apiserver := apiserverapp.NewAPIServerCommand()
	apiserver.SetArgs(args)
	apiserver.SetOut(os.Stderr)
	apiserver.SetErr(os.Stderr)
	apiserverDone := make(chan error, 1)
	go func() { apiserverDone <- cli.RunNoErrOutput(apiserver) }()
	// From here on the first SIGTERM/SIGINT is handled by kube-apiserver's signal context (a
	// second one makes it exit(1) at once). An EOF on stdin is turned into that first signal.
	// kube-apiserver's graceful shutdown waits up to its request timeout (60 s) for open
	// connections such as watches; a throw-away server need not, so after --shutdown-grace the
	// process cleans up (etcd, temp dir) and exits 0.
	var shutdownOnce sync.Once
	beginShutdown := func(reason string, signalSelf bool) {
		shutdownOnce.Do(func() {
			logf("%s, shutting down", reason)
			if signalSelf {
				_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
			}
			time.AfterFunc(o.shutdownGrace, func() {
				logf("kube-apiserver still draining connections after %s; exiting", o.shutdownGrace)
				cleanup()
				os.Exit(exitOK)
			})
		})
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		sig := <-signals
		beginShutdown("received "+sig.String(), false)
	}()
	if o.watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			beginShutdown("stdin closed", true)
		}()
	}

	ctx, cancel := context.WithTimeout(context.Background(), o.readyTimeout)
	defer cancel()
	readyErr := make(chan error, 1)
	go func() { readyErr <- waitReady(ctx, kubeconfigPath) }()

	select {
	case err := <-apiserverDone:
		logf("kube-apiserver exited during startup: %v", err)
		// A port taken by someone else since we picked it is the one failure the caller can
		// fix by retrying.
		if o.port == 0 && (strings.Contains(fmt.Sprint(err), "address already in use") || portInUse(port)) {
			logf("port %d is taken", port)
			return exitPortTaken
		}
		return exitFailure
	case err := <-readyErr:
		if err != nil {
			logf("not ready: %v", err)
			if errors.Is(err, context.DeadlineExceeded) {
				return exitTimeout
			}
			return exitFailure
		}
	}

	if kcm != nil {
		go func() {
			if err := cli.RunNoErrOutput(kcm); err != nil {
				logf("kube-controller-manager exited: %v", err)
			}
		}()
	}

	line, _ := json.Marshal(readyLine{
		Kubeconfig:  kubeconfigPath,
		Server:      server,
		Pid:         os.Getpid(),
		Dir:         dir,
		Version:     version.Get().GitVersion,
		Etcd:        etcdURL,
		Controllers: controllers,
		StartupMs:   time.Since(start).Milliseconds(),
	})
	fmt.Fprintln(os.Stdout, string(line))
	logf("ready in %s at %s", time.Since(start).Round(time.Millisecond), server)

	if err := <-apiserverDone; err != nil {
		logf("kube-apiserver stopped: %v", err)
		return exitFailure
	}
	logf("kube-apiserver stopped")
	return exitOK
}

// freePort asks the kernel for a free loopback port. Another process may take it before the API
// server binds it; then the process exits with exitPortTaken and the caller retries.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portInUse(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return true
	}
	_ = l.Close()
	return false
}

func startEtcd(dataDir string) (*embed.Etcd, string, error) {
	cfg := embed.NewConfig()
	cfg.Name = "kube-testenv"
	cfg.Dir = dataDir
	cfg.Logger = "zap"
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{"stderr"}
	cfg.UnsafeNoFsync = true // throw-away data: no fsync makes writes much faster
	loopback := func() []url.URL { return []url.URL{{Scheme: "http", Host: "127.0.0.1:0"}} }
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = loopback(), loopback()
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = loopback(), loopback()
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.EnableGRPCGateway = false
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, "", err
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return nil, "", err
	case <-time.After(30 * time.Second):
		e.Close()
		return nil, "", errors.New("etcd did not become ready within 30s")
	}
	return e, "http://" + e.Clients[0].Addr().String(), nil
}

// waitReady polls /readyz, then waits for the "default" namespace (created by a post-start
// controller shortly after readiness).
func waitReady(ctx context.Context, kubeconfigPath string) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfigPath)
	if err != nil {
		return err
	}
	cfg.Timeout = 5 * time.Second
	cfg.QPS, cfg.Burst = -1, -1
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	rt, err := rest.TransportFor(cfg)
	if err != nil {
		return err
	}
	httpClient := &http.Client{Transport: rt, Timeout: 5 * time.Second}
	var last error
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), last)
		case <-tick.C:
		}
		resp, err := httpClient.Get(cfg.Host + "/readyz")
		if err != nil {
			last = err
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			last = fmt.Errorf("/readyz: %s", resp.Status)
			continue
		}
		if _, err := client.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{}); err != nil {
			last = err
			continue
		}
		return nil
	}
}

func writeKubeconfig(path, server string, pki *pkiFiles) error {
	caData, err := os.ReadFile(pki.caCert)
	if err != nil {
		return err
	}
	certData, err := os.ReadFile(pki.adminCert)
	if err != nil {
		return err
	}
	keyData, err := os.ReadFile(pki.adminKey)
	if err != nil {
		return err
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["kube-testenv"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: caData}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: certData, ClientKeyData: keyData}
	cfg.Contexts["kube-testenv"] = &clientcmdapi.Context{Cluster: "kube-testenv", AuthInfo: "admin", Namespace: "default"}
	cfg.CurrentContext = "kube-testenv"
	return clientcmd.WriteToFile(*cfg, path)
}

import Hummingbird

/// What a new device downloads from its collector: the shell reporter (open, like the script in the repository).
struct InstallController<Context: RequestContext> {
    func addRoutes(to router: Router<Context>) {
        router.get(RouterPath(InstallLines.reporterPath)) { _, _ in
            TextIO.text(
                ReporterScript.text, contentType: "text/plain; charset=utf-8",
                headers: [.contentDisposition: "inline; filename=\"downtime-report.sh\""])
        }
    }
}

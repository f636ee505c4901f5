import ArgumentParser
import Foundation
import Shop
import SokoCommands
import SokoDeploy

/// The shop's settings for production files: a values file and flags over it (``ShopValues``).
struct ShopValueOptions: DeploymentValueOptions {
    @Option(
        name: .customLong("values"),
        help:
            "A YAML file of the shop's values: public_url, token_issuer, mpesa_shortcode, payment_methods, mail_from, cluster_issuer."
    )
    var valuesFile: String?

    @Option(help: "The shop's public https URL (where shoppers and Daraja reach the gateway).")
    var publicURL: String?

    @Option(help: "The access tokens' issuer (default: the public URL).")
    var tokenIssuer: String?

    @Option(help: "The shop's M-Pesa paybill or till number.")
    var mpesaShortcode: String?

    @Option(help: "The payment methods offered, comma-separated (mpesa, stripe; default both).")
    var paymentMethods: String?

    @Option(help: "The emails' sender, e.g. \"Duka <orders@duka.co.ke>\".")
    var mailFrom: String?

    @Option(help: "cert-manager's ClusterIssuer for the Ingress certificate (default letsencrypt-prod).")
    var clusterIssuer: String?

    @Flag(help: "Write only the shop-less templates (as this repository commits them), without the shop's values.")
    var template = false

    /// The validated values, or nil when none were given (the render then leaves the shop's files out).
    func values() throws -> (any DeploymentValues)? {
        var fields: [String: String] = [:]
        if let valuesFile {
            guard let text = try? String(contentsOfFile: valuesFile, encoding: .utf8) else {
                throw ValidationError("--values: cannot read \(valuesFile)")
            }
            do {
                fields = try ShopValues.parse(yaml: text)
            } catch {
                throw ValidationError("\(valuesFile): \(error)")
            }
        }
        let flags = [
            "public_url": publicURL, "token_issuer": tokenIssuer, "mpesa_shortcode": mpesaShortcode,
            "payment_methods": paymentMethods, "mail_from": mailFrom, "cluster_issuer": clusterIssuer,
        ]
        for (key, value) in flags { if let value { fields[key] = value } }
        guard !fields.isEmpty else {
            guard template else {
                throw ValidationError(
                    "production needs the shop's values: --values shop.yaml (or --public-url URL --mpesa-shortcode N --mail-from ADDR); --template writes the templates alone"
                )
            }
            return nil
        }
        guard !template else { throw ValidationError("--template writes no shop values: leave out --values and the value flags") }
        do {
            return try ShopValues(fields)
        } catch {
            throw ValidationError("cannot render production: \(error)")
        }
    }

}

import Shop
import SokoCommands

// The shop's `soko`: the runtime's commands over the shop's bundles, and the shop's own
// (accounts and signing keys, the demo catalog, the guided purchase); its production values
// (public URL, paybill, sender) for `render compose|k8s`.
await SokoCommandLine(
    bundles: Shop.bundles, commands: [UsersCommand.self, Seed.self, Demo.self], values: ShopValueOptions.self
).main()

package = "inspect"
version = "3.1.3-0"
source = {
  url = "git+https://github.com/kikito/inspect.lua.git",
  tag = "v3.1.3"
}
description = {
  summary = "Lua table visualizer, ideal for debugging",
  homepage = "https://github.com/kikito/inspect.lua",
  license = "MIT <http://opensource.org/licenses/MIT>"
}
dependencies = {
  "lua >= 5.1"
}
build = {
  type = "builtin",
  modules = {
    inspect = "inspect.lua"
  }
}

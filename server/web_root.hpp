#pragma once
// Where tolk-server finds the phone app when neither --web-root nor `web_root` names it.

#include <string>

namespace tolk::server {

// Relative to the running executable (/proc/self/exe): ../web/listen (the build tree, where
// build/bin/tolk-server sits beside build/web/listen), else ../share/tolk/web (the installed
// layout: cmake --install puts bin/tolk-server and share/tolk/web under one prefix).  When
// neither holds an index.html, the build-tree path, so the warning names the expected place.
std::string default_web_root();

}  // namespace tolk::server
